package io.phosor.forward;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One forwarding destination as configured in forwarders.yml, checked by {@link ForwardersFile}. Secrets (the HEC
 * token, the password, the API key) are never printed: {@link #toString()} leaves them out.
 *
 * @param name unique name: in metrics, the API, the cursors' setting keys
 * @param type what it is
 * @param url base URL of an HTTP destination (Splunk HEC, OpenSearch), or null
 * @param host syslog receiver host, or null
 * @param port syslog receiver port, or 0
 * @param tls TLS options (a CA to trust, a client certificate); for syslog, whether TLS is used at all
 * @param send what is sent
 * @param query events only those matching this search query (null: all)
 * @param fromBeginning at the very first start, begin with what the journal and the store already hold (else with
 *     what comes from then on)
 * @param batchSize records per request
 * @param token the Splunk HEC token (a secret), or null
 * @param username OpenSearch user for basic authentication, or null
 * @param password OpenSearch password (a secret), or null
 * @param apiKey Elasticsearch/OpenSearch API key sent as {@code Authorization: ApiKey} (a secret), or null
 * @param index Splunk index, or null for the token's default
 * @param sourcetype Splunk sourcetype, or null for {@code phosor:event}, {@code phosor:alert}, {@code phosor:incident}
 * @param source Splunk source
 * @param facility syslog facility code (0-23)
 * @param appName syslog APP-NAME
 * @param hostname syslog HOSTNAME and Splunk host, or null for this machine's name
 * @param indices OpenSearch index name pattern per kind ({@code {yyyy.MM.dd}} is replaced by the record's UTC day)
 */
record Destination(String name, Type type, URI url, String host, int port, Tls tls, Set<Kind> send, String query,
    boolean fromBeginning, int batchSize, String token, String username, String password, String apiKey, String index,
    String sourcetype, String source, int facility, String appName, String hostname, Map<Kind, String> indices) {

  /** The kinds of destination. */
  enum Type {
    SPLUNK_HEC("splunk_hec"),
    SYSLOG("syslog"),
    OPENSEARCH("opensearch");

    final String word;

    Type(String word) {
      this.word = word;
    }
  }

  /**
   * TLS options.
   *
   * @param enabled syslog only: connect with TLS (RFC 5425); HTTP destinations use TLS when the URL is https
   * @param caFile PEM certificates to trust instead of the JVM's default trust store, or null
   * @param certFile PEM client certificate (chain) for mutual TLS, or null
   * @param keyFile PEM PKCS#8 private key of the client certificate, or null
   */
  record Tls(boolean enabled, Path caFile, Path certFile, Path keyFile) {
    static final Tls NONE = new Tls(false, null, null, null);
  }

  /** Copies the collections. */
  Destination {
    send = Set.copyOf(send);
    indices = Map.copyOf(indices);
  }

  /** Names the destination and what it sends; no secret. */
  @Override
  public String toString() {
    return "Destination[" + name + ", " + type.word + ", send=" + send + (query == null ? "" : ", query=" + query)
        + " (secrets masked)]";
  }
}
