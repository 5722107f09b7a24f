package io.phosor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.phosor.redact.PiiType;
import io.phosor.secrets.EncryptionKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds a {@link PhosorConfig}: built-in defaults, then phosor.yml (or the file given with
 * {@code --config}), then environment variables. The first invalid value stops start-up with one
 * message naming the setting and the problem; unknown keys in the file are rejected too (typos).
 */
public final class ConfigLoader {
  /** Tokens shorter than this are guessable; refuse them rather than accept a weak secret. */
  static final int MIN_TOKEN_LENGTH = 16;

  private static final List<Setting<?>> SETTINGS = new ArrayList<>();

  private static <T> Setting<T> def(String key, String env, String dflt, Function<String, T> parser, String doc) {
    List<String> envs = env == null ? List.of() : List.of(env.split(","));
    Setting<T> s = new Setting<>(key, envs, dflt, parser, doc);
    SETTINGS.add(s);
    return s;
  }

  static final Setting<Path> DATA_DIR = def("data_dir", "PHOSOR_DATA_DIR", "./data", ConfigLoader::path,
      "Directory for the journal, file positions, secrets and databases.");
  static final Setting<String> HTTP_HOST = def("http.host", "PHOSOR_HTTP_HOST", "0.0.0.0", ConfigLoader::host,
      "Address the HTTP API and dashboard bind to.");
  static final Setting<Integer> HTTP_PORT = def("http.port", "PHOSOR_HTTP_PORT,PORT", "8000", v -> port(v, false),
      "HTTP port (API, webhook, HEC, /health, /metrics).");
  static final Setting<Long> HTTP_MAX_BODY = def("http.max_body_bytes", "PHOSOR_HTTP_MAX_BODY_BYTES", "5242880",
      v -> longIn(v, 1024, 256L << 20), "Largest HTTP request body accepted (bytes); larger gets 413.");
  static final Setting<String> SYSLOG_HOST = def("syslog.host", "PHOSOR_SYSLOG_HOST", "0.0.0.0", ConfigLoader::host,
      "Address the syslog listeners bind to.");
  static final Setting<Integer> SYSLOG_PORT = def("syslog.port", "PHOSOR_SYSLOG_PORT", "5140", v -> port(v, true),
      "Syslog port, UDP and TCP on the same number (-1 disables plain syslog).");
  static final Setting<Integer> SYSLOG_TLS_PORT = def("syslog.tls_port", "PHOSOR_SYSLOG_TLS_PORT", "6514",
      v -> port(v, false), "Syslog over TLS (RFC 5425) port, used when a certificate and key are set.");
  static final Setting<Path> SYSLOG_TLS_CERT = def("syslog.tls_cert", "PHOSOR_SYSLOG_TLS_CERT", "",
      ConfigLoader::readableFile, "PEM certificate (chain) for syslog over TLS.");
  static final Setting<Path> SYSLOG_TLS_KEY = def("syslog.tls_key", "PHOSOR_SYSLOG_TLS_KEY", "",
      ConfigLoader::readableFile, "PEM PKCS#8 private key for syslog over TLS.");
  static final Setting<Integer> SYSLOG_MAX_FRAME = def("syslog.max_frame_bytes", "PHOSOR_SYSLOG_MAX_FRAME_BYTES",
      "65536", v -> (int) longIn(v, 480, 16L << 20),
      "Largest syslog message; larger frames are counted and skipped (RFC 5425 asks for >= 2048, 8192 recommended).");
  static final Setting<ZoneId> SYSLOG_ZONE = def("syslog.timezone", "PHOSOR_SYSLOG_TIMEZONE", "UTC",
      ConfigLoader::zone, "Time zone for syslog timestamps that carry no offset (RFC 3164).");
  static final Setting<Map<String, ZoneId>> SOURCE_ZONES = def("syslog.zones", "PHOSOR_SYSLOG_ZONES", "",
      ConfigLoader::zones, "Per-sender time zones, e.g. 10.0.0.5=Europe/Paris,10.0.0.6=America/New_York.");
  static final Setting<List<String>> INGEST_TOKENS = def("ingest.tokens", "PHOSOR_INGEST_TOKENS", "",
      ConfigLoader::tokens, "Comma-separated tokens for HTTP ingestion (Bearer or Splunk header). When empty, "
          + "one is generated at first start and kept in <data_dir>/secrets/ingest.token.");
  static final Setting<List<Path>> FILE_ALLOWED_DIRS = def("files.allowed_dirs", "PHOSOR_FILE_ALLOWED_DIRS",
      "/var/log", ConfigLoader::dirs, "Comma-separated directories under which files may be tailed.");
  static final Setting<Double> RATE = def("rate_limit.per_second", "PHOSOR_RATE_LIMIT_PER_SECOND", "20000",
      v -> doubleIn(v, 0, 1e9), "Events/s a source with full reputation may send (0 disables rate limiting).");
  static final Setting<Double> BURST = def("rate_limit.burst", "PHOSOR_RATE_LIMIT_BURST", "40000",
      v -> doubleIn(v, 0, 1e9), "Events a source may send in one burst above its rate.");
  static final Setting<Integer> QUEUE = def("queue.capacity", "PHOSOR_QUEUE_CAPACITY", "65536",
      v -> (int) longIn(v, 16, 16L << 20), "Events that may wait between the sources and the journal.");
  static final Setting<Long> SEGMENT = def("journal.segment_bytes", "PHOSOR_JOURNAL_SEGMENT_BYTES", "67108864",
      v -> longIn(v, 4096, 4L << 30), "Size at which the journal starts a new segment file.");
  static final Setting<Duration> SHUTDOWN = def("shutdown.timeout_seconds", "PHOSOR_SHUTDOWN_TIMEOUT_SECONDS", "20",
      v -> Duration.ofSeconds(longIn(v, 1, 3600)), "How long a graceful shutdown waits for queues to drain.");

  static final Setting<Boolean> BUILTIN_RULES = def("detect.builtin_rules", "PHOSOR_BUILTIN_RULES", "true",
      ConfigLoader::bool, "Load the built-in detection rule pack (true/false).");
  static final Setting<Path> RULES_DIR = def("detect.rules_dir", "PHOSOR_RULES_DIR", "",
      v -> v.isEmpty() ? null : Path.of(v),
      "Directory of rule files (*.yml, *.yaml, *.json) loaded and validated at start-up; empty = <data_dir>/rules.");
  static final Setting<Integer> DETECT_QUEUE = def("detect.queue_capacity", "PHOSOR_DETECT_QUEUE_CAPACITY", "65536",
      v -> (int) longIn(v, 16, 16L << 20),
      "Events that may wait for the detection engine; beyond it detection reads them back from the journal.");

  static final Setting<String> DATABASE_URL = def("database.url", "PHOSOR_DATABASE_URL,DATABASE_URL", "",
      ConfigLoader::databaseUrl, "Relational store: empty = SQLite file <data_dir>/phosor.db; "
          + "postgresql://user:pass@host:5432/db or a JDBC URL for PostgreSQL.");
  static final Setting<Integer> DATABASE_POOL = def("database.pool_size", "PHOSOR_DATABASE_POOL_SIZE", "8",
      v -> (int) longIn(v, 1, 200), "Connections in the relational store's pool (PostgreSQL; SQLite uses fewer).");
  static final Setting<Integer> RETENTION_DAYS = def("search.retention_days", "PHOSOR_RETENTION_DAYS", "7",
      v -> (int) longIn(v, 1, 3650), "Days events stay searchable; whole expired day partitions are dropped.");
  static final Setting<Boolean> SEARCH_ENABLED = def("search.enabled", "PHOSOR_SEARCH_ENABLED", "true",
      ConfigLoader::bool, "Index events for search (true/false); off saves CPU and disk on a detection-only node.");
  static final Setting<Long> MIN_FREE_DISK = def("disk.min_free_bytes", "PHOSOR_MIN_FREE_DISK_BYTES", "67108864",
      v -> longIn(v, 0, 1L << 50), "Below this much free space in the data directory ingestion pauses "
          + "(backpressure; nothing acknowledged is lost) and /health says why; it resumes by itself.");
  static final Setting<Integer> AUDIT_QUEUE = def("audit.queue_capacity", "PHOSOR_AUDIT_QUEUE_CAPACITY", "10000",
      v -> (int) longIn(v, 16, 1_000_000), "Audit entries that may wait for the audit writer; beyond it entries are "
          + "dropped and counted (phosor_audit_dropped_total and an audit.dropped entry; see docs/audit.md).");
  static final Setting<EncryptionKey> ENCRYPTION_KEY = def("secrets.encryption_key", "PHOSOR_ENCRYPTION_KEY", "",
      v -> v.isEmpty() ? null : EncryptionKey.parse(v), "AES-256 key (32 bytes in base64, from 'phosor keygen') that "
          + "encrypts secrets stored in the database; empty = no secret can be stored. Set it in the environment, "
          + "not in phosor.yml (see docs/secrets.md).");

  static final Setting<Integer> WS_MAX_CLIENTS = def("ws.max_clients", "PHOSOR_WS_MAX_CLIENTS", "64",
      v -> (int) longIn(v, 1, 10_000), "Live feed (/ws/events) connections at once; more are refused (503).");
  static final Setting<Integer> WS_BUFFER = def("ws.buffer_messages", "PHOSOR_WS_BUFFER_MESSAGES", "1024",
      v -> (int) longIn(v, 16, 1_000_000), "Messages held for each live feed client that is slower than the feed; "
          + "beyond it the oldest are dropped and counted (phosor_ws_dropped_total).");
  static final Setting<Integer> WS_EVENTS = def("ws.events_per_second", "PHOSOR_WS_EVENTS_PER_SECOND", "20",
      v -> (int) longIn(v, 0, 1000), "Sampled events per second sent to each live feed client (0: no event stream); "
          + "at most 1000: they are turned into JSON on the pipeline thread.");
  static final Setting<Duration> WS_STATS = def("ws.stats_seconds", "PHOSOR_WS_STATS_SECONDS", "5",
      v -> Duration.ofSeconds(longIn(v, 1, 3600)), "How often the live feed sends the /api/stats figures.");
  static final Setting<Duration> WS_MAX_LAG = def("ws.max_lag_seconds", "PHOSOR_WS_MAX_LAG_SECONDS", "10",
      v -> Duration.ofSeconds(longIn(v, 1, 3600)), "A live feed client that keeps losing messages this long "
          + "(its buffer never empties) is disconnected with close code 1013.");
  static final Setting<Long> WS_MAX_DROPS = def("ws.max_drops", "PHOSOR_WS_MAX_DROPS", "10000",
      v -> longIn(v, 1, 1L << 40), "A live feed client that loses this many messages in a row (none written to it "
          + "in between) is disconnected with close code 1013.");
  static final Setting<Duration> WS_PING = def("ws.ping_seconds", "PHOSOR_WS_PING_SECONDS", "15",
      v -> Duration.ofSeconds(longIn(v, 1, 3600)), "Idle live feed connections get a ping this often; one on which "
          + "nothing can be written for three times as long is closed.");
  static final Setting<Path> HTTP_TLS_CERT = def("http.tls_cert", "PHOSOR_HTTP_TLS_CERT", "",
      ConfigLoader::readableFile, "PEM certificate (chain) for HTTPS; with a key, the API is served over HTTPS only.");
  static final Setting<Path> HTTP_TLS_KEY = def("http.tls_key", "PHOSOR_HTTP_TLS_KEY", "",
      ConfigLoader::readableFile, "PEM PKCS#8 private key for HTTPS.");
  static final Setting<List<String>> CORS_ORIGINS = def("http.cors_origins", "PHOSOR_CORS_ORIGINS", "",
      ConfigLoader::origins, "Comma-separated browser origins (https://soc.example.com) allowed to call the API "
          + "from another site; empty (default): none, CORS closed.");

  private static final Map<PiiType, Setting<Boolean>> REDACT = new LinkedHashMap<>();
  static final Setting<Boolean> SSN_UNSEPARATED;

  static {
    Set<PiiType> defaults = io.phosor.redact.Redactor.defaults();
    for (PiiType t : PiiType.values()) {
      String kind = t.name().toLowerCase(Locale.ROOT);
      String env = "PHOSOR_REDACT_" + t.name();
      if (t == PiiType.EMAIL || t == PiiType.PHONE) {
        env += ",REDACT_" + t.name();
      } else if (t == PiiType.INTERNAL_IP) {
        env += ",REDACT_INTERNAL_IPS";
      }
      REDACT.put(t, def("redact." + kind, env, Boolean.toString(defaults.contains(t)), ConfigLoader::bool,
          "Redact " + kind.replace('_', ' ') + " (true/false)."));
    }
    SSN_UNSEPARATED = def("redact.ssn_unseparated", "PHOSOR_REDACT_SSN_UNSEPARATED", "false", ConfigLoader::bool,
        "Also treat bare 9-digit numbers that pass the SSN rules as SSNs (off: in logs they are mostly ids and byte counts).");
  }

  private ConfigLoader() {}

  /**
   * Loads the configuration. {@code file} is the --config file (must exist) or null to use
   * ./phosor.yml when present; {@code env} is the process environment (injected for tests).
   */
  public static PhosorConfig load(Path file, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Setting<?> s : SETTINGS) {
      values.put(s.key(), s.defaultValue());
    }
    Map<String, String> origin = new LinkedHashMap<>();
    Path yml = file;
    if (yml == null && Files.isRegularFile(Path.of("phosor.yml"))) {
      yml = Path.of("phosor.yml");
    }
    if (yml != null) {
      readYaml(yml, values, origin);
    }
    for (Setting<?> s : SETTINGS) {
      for (String name : s.env()) {
        String v = env.get(name);
        if (v != null) {
          values.put(s.key(), v);
          origin.put(s.key(), name);
          break;
        }
      }
    }
    Map<String, Object> parsed = new LinkedHashMap<>();
    for (Setting<?> s : SETTINGS) {
      String where = origin.getOrDefault(s.key(), s.key());
      try {
        parsed.put(s.key(), s.parser().apply(values.get(s.key()).trim()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid configuration: " + where + ": " + e.getMessage());
      }
    }
    EnumSet<PiiType> redact = EnumSet.noneOf(PiiType.class);
    REDACT.forEach((type, s) -> {
      if ((Boolean) parsed.get(s.key())) {
        redact.add(type);
      }
    });
    Path cert = (Path) parsed.get(SYSLOG_TLS_CERT.key());
    Path key = (Path) parsed.get(SYSLOG_TLS_KEY.key());
    if ((cert == null) != (key == null)) {
      throw new ConfigException("invalid configuration: " + (cert == null ? "PHOSOR_SYSLOG_TLS_CERT" : "PHOSOR_SYSLOG_TLS_KEY")
          + ": syslog over TLS needs both a certificate and a key; only one is set");
    }
    Path httpCert = (Path) parsed.get(HTTP_TLS_CERT.key());
    Path httpKey = (Path) parsed.get(HTTP_TLS_KEY.key());
    if ((httpCert == null) != (httpKey == null)) {
      throw new ConfigException("invalid configuration: " + (httpCert == null ? "PHOSOR_HTTP_TLS_CERT" : "PHOSOR_HTTP_TLS_KEY")
          + ": HTTPS needs both a certificate and a key; only one is set");
    }
    @SuppressWarnings("unchecked")
    PhosorConfig config = new PhosorConfig(
        (Path) parsed.get(DATA_DIR.key()),
        (String) parsed.get(HTTP_HOST.key()),
        (Integer) parsed.get(HTTP_PORT.key()),
        (Long) parsed.get(HTTP_MAX_BODY.key()),
        (String) parsed.get(SYSLOG_HOST.key()),
        (Integer) parsed.get(SYSLOG_PORT.key()),
        (Integer) parsed.get(SYSLOG_TLS_PORT.key()),
        cert,
        key,
        (Integer) parsed.get(SYSLOG_MAX_FRAME.key()),
        (ZoneId) parsed.get(SYSLOG_ZONE.key()),
        (Map<String, ZoneId>) parsed.get(SOURCE_ZONES.key()),
        (List<String>) parsed.get(INGEST_TOKENS.key()),
        (List<Path>) parsed.get(FILE_ALLOWED_DIRS.key()),
        redact,
        (Boolean) parsed.get(SSN_UNSEPARATED.key()),
        (Double) parsed.get(RATE.key()),
        (Double) parsed.get(BURST.key()),
        (Integer) parsed.get(QUEUE.key()),
        (Long) parsed.get(SEGMENT.key()),
        (Duration) parsed.get(SHUTDOWN.key()),
        (Boolean) parsed.get(BUILTIN_RULES.key()),
        (Path) parsed.get(RULES_DIR.key()),
        (Integer) parsed.get(DETECT_QUEUE.key()),
        (String) parsed.get(DATABASE_URL.key()),
        (Integer) parsed.get(DATABASE_POOL.key()),
        (Integer) parsed.get(RETENTION_DAYS.key()),
        (Boolean) parsed.get(SEARCH_ENABLED.key()),
        (Long) parsed.get(MIN_FREE_DISK.key()),
        (Integer) parsed.get(AUDIT_QUEUE.key()),
        (EncryptionKey) parsed.get(ENCRYPTION_KEY.key()),
        (Integer) parsed.get(WS_MAX_CLIENTS.key()),
        (Integer) parsed.get(WS_BUFFER.key()),
        (Integer) parsed.get(WS_EVENTS.key()),
        (Duration) parsed.get(WS_STATS.key()),
        (Duration) parsed.get(WS_MAX_LAG.key()),
        (Long) parsed.get(WS_MAX_DROPS.key()),
        (Duration) parsed.get(WS_PING.key()),
        (List<String>) parsed.get(CORS_ORIGINS.key()),
        httpCert,
        httpKey);
    return config;
  }

  /** A Markdown table of every setting: file key, environment names, default and meaning. */
  public static String referenceTable() {
    StringBuilder sb = new StringBuilder("| phosor.yml key | environment | default | meaning |\n|---|---|---|---|\n");
    for (Setting<?> s : SETTINGS) {
      sb.append("| `").append(s.key()).append("` | ")
          .append(String.join(", ", s.env().stream().map(e -> "`" + e + "`").toList())).append(" | ")
          .append(s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "`").append(" | ")
          .append(s.doc()).append(" |\n");
    }
    return sb.toString();
  }

  private static void readYaml(Path yml, Map<String, String> values, Map<String, String> origin) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yml.toFile());
    } catch (IOException e) {
      throw new ConfigException("invalid configuration: " + yml + ": cannot read it: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return;
    }
    if (!root.isObject()) {
      throw new ConfigException("invalid configuration: " + yml + ": expected a mapping of settings at the top level");
    }
    flatten("", root, yml, values, origin);
  }

  private static void flatten(String prefix, JsonNode node, Path yml, Map<String, String> values,
      Map<String, String> origin) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix + e.getKey();
      JsonNode v = e.getValue();
      boolean known = values.containsKey(key);
      if (v.isObject() && !known) {
        flatten(key + ".", v, yml, values, origin);
        continue;
      }
      if (!known) {
        throw new ConfigException("invalid configuration: " + yml + ": unknown setting '" + key
            + "' (see docs/configuration.md for the list)");
      }
      String text;
      if (v.isArray()) {
        List<String> parts = new ArrayList<>();
        v.forEach(x -> parts.add(x.asText()));
        text = String.join(",", parts);
      } else if (v.isObject()) {
        List<String> parts = new ArrayList<>();
        v.fields().forEachRemaining(x -> parts.add(x.getKey() + "=" + x.getValue().asText()));
        text = String.join(",", parts);
      } else if (v.isNull()) {
        text = "";
      } else {
        text = v.asText();
      }
      values.put(key, text);
      origin.put(key, yml + ": " + key);
    }
  }

  // ---- value parsers: each throws IllegalArgumentException with the problem, the caller adds the name

  static Path path(String v) {
    if (v.isEmpty()) {
      throw new IllegalArgumentException("must be a directory path, was empty");
    }
    return Path.of(v);
  }

  /** A first check of the store URL; the store parses it fully. The value is never echoed (it may hold a password). */
  static String databaseUrl(String v) {
    if (v.isEmpty()) {
      return v;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (!(lower.startsWith("postgresql://") || lower.startsWith("postgres://") || lower.startsWith("jdbc:postgresql:")
        || lower.startsWith("jdbc:sqlite:"))) {
      throw new IllegalArgumentException("must be postgresql://user:pass@host:5432/db, jdbc:postgresql://... or "
          + "jdbc:sqlite:FILE (or empty for the embedded SQLite file); the value given starts differently");
    }
    return v;
  }

  static String host(String v) {
    if (v.isEmpty() || v.length() > 253 || !v.matches("[A-Za-z0-9.:\\-\\[\\]%]+")) {
      throw new IllegalArgumentException("must be a host name or IP address, was '" + v + "'");
    }
    return v;
  }

  static int port(String v, boolean allowDisabled) {
    int p;
    try {
      p = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a port number 0-65535, was '" + v + "'");
    }
    if (allowDisabled && p == -1) {
      return -1;
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("must be a port number 0-65535" + (allowDisabled ? " (or -1 to disable)" : "")
          + ", was " + p);
    }
    return p;
  }

  static long longIn(String v, long min, long max) {
    long n;
    try {
      n = Long.parseLong(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number, was '" + v + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("must be between " + min + " and " + max + ", was " + n);
    }
    return n;
  }

  static double doubleIn(String v, double min, double max) {
    double n;
    try {
      n = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number, was '" + v + "'");
    }
    if (!(n >= min && n <= max)) {
      throw new IllegalArgumentException("must be between " + min + " and " + max + ", was " + v);
    }
    return n;
  }

  static boolean bool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new IllegalArgumentException("must be true or false, was '" + v + "'");
    };
  }

  static ZoneId zone(String v) {
    try {
      return ZoneId.of(v);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("must be a time zone such as UTC or Europe/Paris, was '" + v + "'");
    }
  }

  static Map<String, ZoneId> zones(String v) {
    Map<String, ZoneId> out = new LinkedHashMap<>();
    if (v.isEmpty()) {
      return Map.of();
    }
    for (String part : v.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("must be a list of address=zone, got '" + part.trim() + "'");
      }
      out.put(part.substring(0, eq).trim(), zone(part.substring(eq + 1).trim()));
    }
    return Map.copyOf(out);
  }

  /** Browser origins: scheme://host[:port], no path, no wildcard (a wildcard would open the API to every site). */
  static List<String> origins(String v) {
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String o = part.trim();
      if (o.isEmpty()) {
        continue;
      }
      if (!o.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+") || o.chars().filter(c -> c == '/').count() != 2) {
        throw new IllegalArgumentException("must be origins like https://soc.example.com (scheme://host[:port], no "
            + "path, no '*'), was '" + o + "'");
      }
      out.add(o);
    }
    return List.copyOf(out);
  }

  static List<String> tokens(String v) {
    List<String> out = new ArrayList<>();
    if (v.isEmpty()) {
      return List.of();
    }
    int i = 0;
    for (String t : v.split(",")) {
      i++;
      String tok = t.trim();
      if (tok.length() < MIN_TOKEN_LENGTH) {
        // Never echo the token itself: it is a secret.
        throw new IllegalArgumentException("token #" + i + " is too short (" + tok.length()
            + " characters); use at least " + MIN_TOKEN_LENGTH + ", e.g. from 'openssl rand -hex 24'");
      }
      if (!tok.matches("[\\x21-\\x7e]+")) {
        throw new IllegalArgumentException("token #" + i + " contains spaces or non-ASCII characters");
      }
      out.add(tok);
    }
    return List.copyOf(out);
  }

  static List<Path> dirs(String v) {
    List<Path> out = new ArrayList<>();
    if (v.isEmpty()) {
      return List.of();
    }
    for (String d : v.split(",")) {
      String s = d.trim();
      if (s.isEmpty()) {
        continue;
      }
      Path p = Path.of(s);
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("'" + s + "' must be an absolute directory path");
      }
      out.add(p.normalize());
    }
    return List.copyOf(out);
  }

  static Path readableFile(String v) {
    if (v.isEmpty()) {
      return null;
    }
    Path p = Path.of(v);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new IllegalArgumentException("file '" + v + "' does not exist or is not readable");
    }
    return p;
  }
}
