/**
 * Forwarding to the tools a security team already runs: Splunk HEC, syslog (RFC 5424 over TCP or TLS, message in
 * CEF) and the Elasticsearch/OpenSearch bulk API. Each destination follows events (from the journal), alerts and
 * incident changes (from the store) with a durable cursor of its own, sends in batches, retries with backoff and
 * counts what it sent, retried and dropped. See docs/forwarding.md.
 */
package io.phosor.forward;
