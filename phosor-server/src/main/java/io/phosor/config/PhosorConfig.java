package io.phosor.config;

import io.phosor.redact.PiiType;
import io.phosor.secrets.EncryptionKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated configuration of a Phosor node. Built by {@link ConfigLoader} from defaults, then
 * phosor.yml, then the environment; every value here has been checked.
 *
 * @param dataDir where the journal, file positions, secrets and (later) databases live
 * @param httpHost address the HTTP API binds to
 * @param httpPort HTTP API port (0 = any free port, for tests)
 * @param httpMaxBodyBytes largest HTTP request body accepted
 * @param syslogHost address the syslog listeners bind to
 * @param syslogPort UDP and TCP syslog port (0 = any free port); -1 disables plain syslog
 * @param syslogTlsPort syslog over TLS port, used only when a certificate and key are set
 * @param syslogTlsCert PEM certificate chain for syslog over TLS, or null
 * @param syslogTlsKey PEM PKCS#8 private key for syslog over TLS, or null
 * @param syslogMaxFrameBytes largest syslog frame; larger ones are counted and skipped
 * @param syslogZone time zone for syslog timestamps without an offset
 * @param sourceZones per-sender-address time zones that override {@code syslogZone}
 * @param ingestTokens tokens accepted for HTTP ingestion (never logged)
 * @param fileAllowedDirs directories under which files may be tailed
 * @param redact kinds of PII to redact
 * @param redactSsnUnseparated also redact bare 9-digit numbers that pass the SSN rules
 * @param rateLimitPerSecond events per second a source with full reputation may send (0 = no limit)
 * @param rateLimitBurst extra events a source may send in a burst above its rate
 * @param queueCapacity events that may wait between the sources and the journal
 * @param journalSegmentBytes size at which the journal starts a new segment file
 * @param journalRetention how long journal segments are kept once every consumer is past them
 * @param journalMaxBytes beyond this size consumed journal segments are deleted early (0 = no limit)
 * @param shutdownTimeout how long a graceful shutdown waits for queues to drain
 * @param builtinRules whether the built-in detection rule pack is loaded
 * @param rulesDir directory of rule files, or null for {@code <data_dir>/rules}
 * @param detectQueueCapacity events that may wait for the detection engine before it reads the journal instead
 * @param databaseUrl the relational store's URL, or "" for the embedded SQLite file (may hold a password: never log)
 * @param databasePoolSize connections in the relational store's pool
 * @param retentionDays days events stay searchable
 * @param searchEnabled whether events are indexed for search
 * @param minFreeDiskBytes free space in the data directory below which ingestion pauses
 * @param auditQueueCapacity audit entries that may wait for the audit writer before entries are dropped
 * @param encryptionKey the key for secrets at rest, or null when none is set (never log it)
 * @param wsMaxClients live feed connections at once
 * @param wsBufferMessages messages held for each live feed client before the oldest are dropped
 * @param wsEventsPerSecond sampled events per second sent to each live feed client (0: none)
 * @param wsStatsInterval how often the live feed sends the stats figures
 * @param wsMaxLag how long a live feed client may keep losing messages before it is disconnected
 * @param wsMaxDrops messages a live feed client may lose in a row before it is disconnected
 * @param wsPingInterval how often an idle live feed connection is pinged
 * @param corsOrigins browser origins allowed to call the API cross-site (empty: CORS closed)
 * @param httpTlsCert PEM certificate chain for HTTPS, or null (plain HTTP)
 * @param httpTlsKey PEM PKCS#8 private key for HTTPS, or null
 * @param response incidents, playbooks, response actions, integrations and threat intelligence
 * @param inputs the inputs beyond syslog, files and the HTTP routes: GELF and OTLP
 * @param forward forwarding to other tools (the destinations are in their own file)
 */
public record PhosorConfig(
    Path dataDir,
    String httpHost,
    int httpPort,
    long httpMaxBodyBytes,
    String syslogHost,
    int syslogPort,
    int syslogTlsPort,
    Path syslogTlsCert,
    Path syslogTlsKey,
    int syslogMaxFrameBytes,
    ZoneId syslogZone,
    Map<String, ZoneId> sourceZones,
    List<String> ingestTokens,
    List<Path> fileAllowedDirs,
    Set<PiiType> redact,
    boolean redactSsnUnseparated,
    double rateLimitPerSecond,
    double rateLimitBurst,
    int queueCapacity,
    long journalSegmentBytes,
    Duration journalRetention,
    long journalMaxBytes,
    Duration shutdownTimeout,
    boolean builtinRules,
    Path rulesDir,
    int detectQueueCapacity,
    String databaseUrl,
    int databasePoolSize,
    int retentionDays,
    boolean searchEnabled,
    long minFreeDiskBytes,
    int auditQueueCapacity,
    EncryptionKey encryptionKey,
    int wsMaxClients,
    int wsBufferMessages,
    int wsEventsPerSecond,
    Duration wsStatsInterval,
    Duration wsMaxLag,
    long wsMaxDrops,
    Duration wsPingInterval,
    List<String> corsOrigins,
    Path httpTlsCert,
    Path httpTlsKey,
    ResponseConfig response,
    InputsConfig inputs,
    ForwardConfig forward) {

  /**
   * Like the record's, but secrets (ingest tokens, the database URL, the encryption key) are masked: a config
   * may end up in a log.
   */
  @Override
  public String toString() {
    return "PhosorConfig[dataDir=" + dataDir + ", httpPort=" + httpPort + ", syslogPort=" + syslogPort
        + ", ingestTokens=" + ingestTokens.size() + " (masked), database=" + (databaseUrl.isEmpty() ? "sqlite" : "(masked)")
        + ", retentionDays=" + retentionDays + ", encryptionKey=" + (encryptionKey == null ? "unset" : "id " + encryptionKey.id())
        + "]";
  }

  /** True when the API is served over HTTPS. */
  public boolean httpTlsEnabled() {
    return httpTlsCert != null && httpTlsKey != null;
  }

  /** True when syslog over TLS is configured. */
  public boolean syslogTlsEnabled() {
    return syslogTlsCert != null && syslogTlsKey != null;
  }

  /** The directory of rule files: {@code rulesDir}, or {@code <data_dir>/rules} when not set. */
  public Path effectiveRulesDir() {
    return rulesDir != null ? rulesDir : dataDir.resolve("rules");
  }

  /** The time zone for syslog timestamps from {@code senderAddress}. */
  public ZoneId zoneFor(String senderAddress) {
    ZoneId z = senderAddress == null ? null : sourceZones.get(senderAddress);
    return z == null ? syslogZone : z;
  }
}
