/**
 * Parsing and normalization: {@link io.phosor.parse.EventParser} turns syslog frames (RFC 5424, RFC 3164),
 * file lines, HEC raw lines and JSON objects into events with Elastic Common Schema field names, and
 * extracts well-known security messages (sshd, sudo, su, PAM, web access logs). Everything else in this
 * package is a package-private hand-written scanner; see docs/parsing.md for formats, fields and event types.
 */
package io.phosor.parse;
