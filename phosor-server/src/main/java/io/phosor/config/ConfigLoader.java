package io.phosor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.phosor.redact.PiiType;
import io.phosor.secrets.EncryptionKey;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
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
 * {@code --config}), then a .env file ({@link DotEnv}), then environment variables. The first invalid
 * value stops start-up with one message naming the setting and the problem; unknown keys in the file
 * are rejected too (typos).
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
  static final Setting<Duration> JOURNAL_RETENTION = def("journal.retention_hours", "PHOSOR_JOURNAL_RETENTION_HOURS",
      "24", v -> Duration.ofHours(longIn(v, 0, 24L * 3650)),
      "Hours journal segments are kept after every consumer (detection, indexing, file recovery, forwarders) is past "
          + "them; a segment something still needs is never deleted.");
  static final Setting<Long> JOURNAL_MAX_BYTES = def("journal.max_bytes", "PHOSOR_JOURNAL_MAX_BYTES", "10737418240",
      v -> longIn(v, 0, Long.MAX_VALUE), "Beyond this size the oldest journal segments every consumer is past are "
          + "deleted before their time (0 = no size limit).");
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

  // ---- incidents, response, integrations, threat intelligence (docs/response.md)
  static final Setting<Duration> INCIDENT_WINDOW = def("incidents.window_seconds", "PHOSOR_INCIDENT_WINDOW_SECONDS",
      "3600", v -> Duration.ofSeconds(longIn(v, 1, 30L * 86400)), "Alerts about the same entity (IP, user, host) "
          + "within this many seconds of an open incident's last alert join that incident instead of opening another.");
  static final Setting<Set<String>> ALLOWED_ACTIONS = def("response.allowed_actions",
      "PHOSOR_ALLOWED_RESPONSE_ACTIONS,ALLOWED_RESPONSE_ACTIONS", "block_ip,disable_account,alert,log",
      ConfigLoader::actionTypes, "Comma-separated response action types that may run at all (block_ip, "
          + "disable_account, alert, log); any other is recorded as refused.");
  static final Setting<Boolean> DRY_RUN = def("response.dry_run", "PHOSOR_RESPONSE_DRY_RUN", "false",
      ConfigLoader::bool, "Dry run for every playbook and manual action: record what would have run, run nothing.");
  static final Setting<Integer> OUTBOX = def("response.outbox_capacity", "PHOSOR_RESPONSE_OUTBOX_CAPACITY", "10000",
      v -> (int) longIn(v, 10, 10_000_000), "Actions that may wait for delivery (kept in the database, so they "
          + "survive a restart); beyond it new actions are refused and counted.");
  static final Setting<Integer> MAX_ATTEMPTS = def("response.max_attempts", "PHOSOR_RESPONSE_MAX_ATTEMPTS", "5",
      v -> (int) longIn(v, 1, 100), "Tries per action (with exponential backoff) before it is recorded as failed.");
  static final Setting<Duration> ACTION_TIMEOUT = def("response.timeout_seconds", "PHOSOR_RESPONSE_TIMEOUT_SECONDS",
      "10", v -> Duration.ofSeconds(longIn(v, 1, 600)), "Longest one attempt of an action may take (HTTP request, "
          + "SMTP session, firewall command); a hanging endpoint is cut off after it.");
  static final Setting<Integer> RESPONSE_WORKERS = def("response.workers", "PHOSOR_RESPONSE_WORKERS", "4",
      v -> (int) longIn(v, 1, 64), "Threads that run response actions (never the detection thread).");
  static final Setting<Duration> BLOCK_TTL = def("blocklist.ttl_seconds", "PHOSOR_BLOCK_TTL_SECONDS", "86400",
      v -> Duration.ofSeconds(longIn(v, 60, 365L * 86400)), "How long block_ip blocks an address when the playbook "
          + "or request sets no duration.");
  static final Setting<List<String>> BLOCK_ALLOW = def("blocklist.allow", "PHOSOR_BLOCK_ALLOWLIST",
      "127.0.0.0/8,::1/128", ConfigLoader::cidrs, "Comma-separated addresses and CIDR ranges that are never blocked "
          + "(add your own ranges, your gateways and your scanners).");
  static final Setting<String> BLOCKLIST_FEED_TOKEN = def("blocklist.feed_token", "PHOSOR_BLOCKLIST_FEED_TOKEN", "",
      v -> v.isEmpty() ? null : tokens(v).get(0), "Read-only token for GET /api/blocklist.txt (the firewall feed). "
          + "When empty, one is generated at first start and kept in <data_dir>/secrets/blocklist-feed.token.");
  static final Setting<List<String>> FIREWALL_BLOCK = def("blocklist.firewall_block_command",
      "PHOSOR_FIREWALL_BLOCK_COMMAND", "", ConfigLoader::argv, "Command run to block an address, as a JSON array "
          + "of arguments with {ip} substituted, e.g. [\"/usr/sbin/ipset\",\"add\",\"phosor\",\"{ip}\"]; never run "
          + "through a shell; empty = none.");
  static final Setting<List<String>> FIREWALL_UNBLOCK = def("blocklist.firewall_unblock_command",
      "PHOSOR_FIREWALL_UNBLOCK_COMMAND", "", ConfigLoader::argv, "Command run when a block expires or is removed, "
          + "like the block command; empty = none.");
  static final Setting<URI> PUBLIC_URL = def("response.public_url", "PHOSOR_PUBLIC_URL", "", ConfigLoader::url,
      "The dashboard's URL (https://phosor.example.com), for links in notifications; empty = no links.");
  static final Setting<URI> SLACK = def("notify.slack_webhook", "PHOSOR_SLACK_WEBHOOK,SLACK_WEBHOOK", "",
      ConfigLoader::url, "Slack incoming webhook URL for the alert action (a secret: set it in the environment).");
  static final Setting<URI> TEAMS = def("notify.teams_webhook", "PHOSOR_TEAMS_WEBHOOK", "", ConfigLoader::url,
      "Microsoft Teams incoming webhook URL for the alert action (a secret).");
  static final Setting<String> PAGERDUTY_KEY = def("notify.pagerduty_routing_key", "PHOSOR_PAGERDUTY_ROUTING_KEY", "",
      ConfigLoader::secret, "PagerDuty Events API v2 integration key; incidents trigger and resolve pages.");
  static final Setting<URI> PAGERDUTY_URL = def("notify.pagerduty_url", "PHOSOR_PAGERDUTY_URL",
      "https://events.pagerduty.com/v2/enqueue", ConfigLoader::url, "PagerDuty Events API v2 enqueue URL.");
  static final Setting<String> SMTP_HOST = def("notify.smtp.host", "PHOSOR_SMTP_HOST", "", v -> v.isEmpty() ? null
      : host(v), "SMTP server for email notifications; empty = no email.");
  static final Setting<Integer> SMTP_PORT = def("notify.smtp.port", "PHOSOR_SMTP_PORT", "587", v -> port(v, false),
      "SMTP port.");
  static final Setting<String> SMTP_SECURITY = def("notify.smtp.security", "PHOSOR_SMTP_SECURITY", "starttls",
      ConfigLoader::smtpSecurity, "starttls (required, the default), tls (implicit TLS, port 465) or none (only for a "
          + "relay on the same host).");
  static final Setting<String> SMTP_USER = def("notify.smtp.username", "PHOSOR_SMTP_USERNAME", "",
      v -> v.isEmpty() ? null : v, "SMTP user name; empty = no authentication.");
  static final Setting<String> SMTP_PASSWORD = def("notify.smtp.password", "PHOSOR_SMTP_PASSWORD", "",
      ConfigLoader::secret, "SMTP password (a secret: set it in the environment).");
  static final Setting<String> SMTP_FROM = def("notify.smtp.from", "PHOSOR_SMTP_FROM", "phosor@localhost",
      ConfigLoader::email, "Sender address of email notifications.");
  static final Setting<List<String>> SMTP_TO = def("notify.smtp.to", "PHOSOR_SMTP_TO", "", ConfigLoader::emails,
      "Comma-separated recipients of email notifications.");
  static final Setting<URI> WEBHOOK_URL = def("notify.webhook_url", "PHOSOR_WEBHOOK_URL", "", ConfigLoader::url,
      "Generic webhook for the alert action: JSON POST signed with HMAC-SHA256 (X-Phosor-Signature).");
  static final Setting<String> WEBHOOK_SECRET = def("notify.webhook_secret", "PHOSOR_WEBHOOK_SECRET", "",
      v -> v.isEmpty() ? null : tokens(v).get(0), "HMAC-SHA256 key that signs webhook requests (at least 16 "
          + "characters; a secret).");
  static final Setting<URI> SCIM_URL = def("accounts.scim_url", "PHOSOR_SCIM_URL", "", ConfigLoader::url,
      "SCIM 2.0 base URL (https://idp.example.com/scim/v2) for disable_account: PATCH /Users/{id} active=false.");
  static final Setting<String> SCIM_TOKEN = def("accounts.scim_token", "PHOSOR_SCIM_TOKEN", "", ConfigLoader::secret,
      "Bearer token for the SCIM server (a secret).");
  static final Setting<URI> DISABLE_WEBHOOK = def("accounts.disable_webhook", "PHOSOR_DISABLE_ACCOUNT_WEBHOOK", "",
      ConfigLoader::url, "Webhook for disable_account when there is no SCIM server (signed like the generic webhook).");
  static final Setting<String> ABUSEIPDB_KEY = def("intel.abuseipdb_key", "PHOSOR_ABUSEIPDB_KEY,ABUSEIPDB_API_KEY",
      "",
      ConfigLoader::secret, "AbuseIPDB API key; empty = no AbuseIPDB look-ups.");
  static final Setting<URI> ABUSEIPDB_URL = def("intel.abuseipdb_url", "PHOSOR_ABUSEIPDB_URL",
      "https://api.abuseipdb.com", ConfigLoader::url, "AbuseIPDB base URL (/api/v2/check is appended).");
  static final Setting<String> OTX_KEY = def("intel.otx_key", "PHOSOR_OTX_KEY,OTX_API_KEY", "", ConfigLoader::secret,
      "AlienVault OTX API key; empty = no OTX look-ups.");
  static final Setting<URI> OTX_URL = def("intel.otx_url", "PHOSOR_OTX_URL", "https://otx.alienvault.com",
      ConfigLoader::url, "AlienVault OTX base URL (/api/v1/indicators/IPv4/{ip}/general is appended).");
  static final Setting<Integer> INTEL_RATE = def("intel.lookups_per_minute", "PHOSOR_INTEL_LOOKUPS_PER_MINUTE", "30",
      v -> (int) longIn(v, 1, 100_000), "Most remote reputation look-ups per minute (answers are cached one hour).");
  static final Setting<Path> INTEL_DIR = def("intel.dir", "PHOSOR_INTEL_DIR", "", v -> v.isEmpty() ? null : Path.of(v),
      "Directory of local indicator files (IP/CIDR lists, CSV, STIX 2.1 bundles); empty = <data_dir>/intel.");
  static final Setting<Duration> INTEL_RELOAD = def("intel.reload_seconds", "PHOSOR_INTEL_RELOAD_SECONDS", "10",
      v -> Duration.ofSeconds(longIn(v, 1, 86400)), "How often indicator files are checked for changes.");

  // ---- more inputs: GELF, OTLP (docs/gelf.md, docs/otlp.md)
  static final Setting<String> GELF_HOST = def("gelf.host", "PHOSOR_GELF_HOST", "0.0.0.0", ConfigLoader::host,
      "Address the GELF listeners bind to.");
  static final Setting<Integer> GELF_PORT = def("gelf.port", "PHOSOR_GELF_PORT", "-1", v -> port(v, true),
      "GELF 1.1 port, UDP (chunked, gzip, zlib) and TCP (NUL-framed) on the same number; -1 (default) = off. "
          + "Graylog's usual port is 12201.");
  static final Setting<Integer> GELF_MAX_MESSAGE = def("gelf.max_message_bytes", "PHOSOR_GELF_MAX_MESSAGE_BYTES",
      "1048576", v -> (int) longIn(v, 1024, 16L << 20), "Largest GELF message after decompression and chunk "
          + "reassembly, and largest TCP frame; larger ones are counted and skipped.");
  static final Setting<Long> OTLP_MAX_INFLATED = def("otlp.max_decompressed_bytes",
      "PHOSOR_OTLP_MAX_DECOMPRESSED_BYTES", "33554432", v -> longIn(v, 1024, 1L << 30), "Largest OTLP/HTTP request "
          + "body after gzip decompression (the body as sent is bounded by http.max_body_bytes); larger gets 413.");
  // ---- forwarding to other tools (docs/forwarding.md)
  static final Setting<Path> FORWARD_FILE = def("forward.file", "PHOSOR_FORWARDERS_FILE", "",
      v -> v.isEmpty() ? null : Path.of(v), "YAML file of forwarding destinations (Splunk HEC, syslog/CEF, "
          + "OpenSearch); empty = <data_dir>/forwarders.yml. No file: nothing is forwarded.");
  static final Setting<Integer> FORWARD_BATCH = def("forward.batch_size", "PHOSOR_FORWARD_BATCH_SIZE", "500",
      v -> (int) longIn(v, 1, 10_000), "Records sent in one request when a destination sets no batch_size.");
  static final Setting<Integer> FORWARD_BATCH_BYTES = def("forward.max_batch_bytes", "PHOSOR_FORWARD_MAX_BATCH_BYTES",
      "4194304", v -> (int) longIn(v, 4096, 64L << 20), "Largest request body a forwarder sends (bytes); a batch is "
          + "cut before it grows beyond, and a single record larger than this is dropped and counted.");
  static final Setting<Duration> FORWARD_TIMEOUT = def("forward.timeout_seconds", "PHOSOR_FORWARD_TIMEOUT_SECONDS",
      "10", v -> Duration.ofSeconds(longIn(v, 1, 600)), "Longest one forwarding request (connect, send, answer) may "
          + "take; then it counts as failed and is retried.");
  static final Setting<Duration> FORWARD_MAX_BACKOFF = def("forward.max_backoff_seconds",
      "PHOSOR_FORWARD_MAX_BACKOFF_SECONDS", "60", v -> Duration.ofSeconds(longIn(v, 1, 3600)), "Longest wait between "
          + "two attempts at a failing destination (the wait doubles from 0.5 s up to this).");

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

  /**
   * A variable read from the environment (or .env) only, with no phosor.yml key: secrets and first-start values
   * (docs/security.md, docs/secrets.md). Listed so that .env accepts them and config/example.env documents them.
   */
  record EnvOnly(List<String> names, String defaultValue, String doc) {}

  /** Every environment-only variable Phosor reads. */
  static final List<EnvOnly> ENV_ONLY = List.of(
      new EnvOnly(List.of("PHOSOR_SECRET_KEY", "SECRET_KEY"), "", "Token (JWT) signing key, at least 32 bytes "
          + "('openssl rand -hex 32'); empty = generated in <data_dir>/secrets/jwt.key. A secret."),
      new EnvOnly(List.of("PHOSOR_TOKEN_TTL_SECONDS"), "900", "Lifetime of a login token (access token), 60-86400 "
          + "seconds."),
      new EnvOnly(List.of("PHOSOR_ADMIN_PASSWORD"), "", "Password of the 'admin' account created on first start "
          + "(at least 12 characters); empty = generated and printed once. Ignored once an account exists."),
      new EnvOnly(List.of("PHOSOR_LOAD_TOKEN"), "", "Only for 'phosor load' over HTTP: the ingest token it sends "
          + "with (or --token-file)."),
      new EnvOnly(List.of("PHOSOR_NEW_ENCRYPTION_KEY"), "", "Only for 'phosor keys rotate': the new AES-256 key "
          + "(from 'phosor keygen'). A secret."));

  private ConfigLoader() {}

  /**
   * Loads the configuration. {@code file} is the --config file (must exist) or null to use
   * ./phosor.yml when present; {@code env} is the process environment (injected for tests).
   */
  public static PhosorConfig load(Path file, Map<String, String> env) {
    return load(file, DotEnv.none(), env);
  }

  /**
   * Loads the configuration: defaults, then {@code file} (or ./phosor.yml when null and present), then
   * {@code dotenv}, then {@code env} (the process environment, injected for tests). A {@code PHOSOR_*} name in the
   * .env file that Phosor does not know is refused, naming its line (a typo would otherwise be silently ignored).
   */
  public static PhosorConfig load(Path file, DotEnv dotenv, Map<String, String> env) {
    checkDotEnvNames(dotenv);
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
        String v = dotenv.values().get(name);
        if (v != null) {
          values.put(s.key(), v);
          origin.put(s.key(), dotenv.origin(name));
          break;
        }
      }
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
        (Duration) parsed.get(JOURNAL_RETENTION.key()),
        (Long) parsed.get(JOURNAL_MAX_BYTES.key()),
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
        httpKey,
        response(parsed),
        inputs(parsed),
        new ForwardConfig(
            (Path) parsed.get(FORWARD_FILE.key()),
            (Integer) parsed.get(FORWARD_BATCH.key()),
            (Integer) parsed.get(FORWARD_BATCH_BYTES.key()),
            (Duration) parsed.get(FORWARD_TIMEOUT.key()),
            (Duration) parsed.get(FORWARD_MAX_BACKOFF.key()),
            env));
    return config;
  }

  private static InputsConfig inputs(Map<String, Object> p) {
    return new InputsConfig(
        (String) p.get(GELF_HOST.key()),
        (Integer) p.get(GELF_PORT.key()),
        (Integer) p.get(GELF_MAX_MESSAGE.key()),
        (Long) p.get(OTLP_MAX_INFLATED.key()));
  }

  /** Every setting, in definition order. */
  static List<Setting<?>> settings() {
    return List.copyOf(SETTINGS);
  }

  /** Every environment variable name Phosor reads: the settings' names and the environment-only ones. */
  static java.util.Set<String> knownEnvironmentNames() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (Setting<?> s : SETTINGS) {
      out.addAll(s.env());
    }
    for (EnvOnly e : ENV_ONLY) {
      out.addAll(e.names());
    }
    return out;
  }

  private static void checkDotEnvNames(DotEnv dotenv) {
    if (dotenv.values().isEmpty()) {
      return;
    }
    java.util.Set<String> known = knownEnvironmentNames();
    for (String name : dotenv.values().keySet()) {
      if (name.startsWith("PHOSOR_") && !known.contains(name)) {
        throw new ConfigException("invalid configuration: " + dotenv.file() + " line " + dotenv.line(name)
            + ": unknown setting " + name + " (config/example.env lists every setting)");
      }
    }
  }

  /**
   * The text of config/example.env: every setting and environment-only variable with its default and meaning, each
   * commented out, so that a copy changes nothing until a line is uncommented.
   */
  public static String exampleEnv() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Phosor configuration as a .env file. Copy it to .env in the directory Phosor starts in\n")
        .append("# (cp config/example.env .env; chmod 600 .env) and uncomment what you change.\n")
        .append("# Precedence: built-in defaults < phosor.yml < .env < environment variables.\n")
        .append("# Syntax: NAME=value, 'single' or \"double\" quotes, # comments, optional 'export '.\n")
        .append("# Generated by './phosor config --example-env'; every setting: docs/configuration.md.\n");
    String section = null;
    for (Setting<?> s : SETTINGS) {
      if (s.env().isEmpty()) {
        continue;
      }
      String top = s.key().contains(".") ? s.key().substring(0, s.key().indexOf('.')) : s.key();
      if (!top.equals(section)) {
        section = top;
        sb.append("\n# ---- ").append(top).append("\n");
      }
      sb.append("\n");
      comment(sb, s.doc() + " (phosor.yml: " + s.key() + (s.env().size() > 1
          ? "; also " + String.join(", ", s.env().subList(1, s.env().size())) : "") + ")");
      sb.append('#').append(s.env().get(0)).append('=').append(envValue(s.defaultValue())).append('\n');
    }
    sb.append("\n# ---- environment only (no phosor.yml key)\n");
    for (EnvOnly e : ENV_ONLY) {
      sb.append("\n");
      comment(sb, e.doc() + (e.names().size() > 1
          ? " (also " + String.join(", ", e.names().subList(1, e.names().size())) + ")" : ""));
      sb.append('#').append(e.names().get(0)).append('=').append(envValue(e.defaultValue())).append('\n');
    }
    return sb.toString();
  }

  /** Wraps a description into '# ' lines of at most about 110 characters. */
  private static void comment(StringBuilder sb, String text) {
    StringBuilder line = new StringBuilder("#");
    for (String word : text.split(" ")) {
      if (line.length() + 1 + word.length() > 110 && line.length() > 1) {
        sb.append(line).append('\n');
        line = new StringBuilder("#");
      }
      line.append(' ').append(word);
    }
    sb.append(line).append('\n');
  }

  /** A default as a .env value: plain when it has no blank, quote or '#', else in single quotes. */
  private static String envValue(String v) {
    if (v.matches("[^\\s'\"#]*")) {
      return v;
    }
    return "'" + v + "'";
  }

  @SuppressWarnings("unchecked")
  private static ResponseConfig response(Map<String, Object> p) {
    URI scim = (URI) p.get(SCIM_URL.key());
    String scimToken = (String) p.get(SCIM_TOKEN.key());
    if (scim != null && scimToken == null) {
      throw new ConfigException("invalid configuration: PHOSOR_SCIM_URL: the SCIM server needs a token "
          + "(PHOSOR_SCIM_TOKEN); none is set");
    }
    URI hook = (URI) p.get(WEBHOOK_URL.key());
    URI disableHook = (URI) p.get(DISABLE_WEBHOOK.key());
    if ((hook != null || disableHook != null) && p.get(WEBHOOK_SECRET.key()) == null) {
      throw new ConfigException("invalid configuration: " + (hook != null ? "PHOSOR_WEBHOOK_URL" : "PHOSOR_DISABLE_ACCOUNT_WEBHOOK")
          + ": webhooks are signed; set PHOSOR_WEBHOOK_SECRET (at least 16 characters, e.g. from 'openssl rand -hex 24')");
    }
    if ((p.get(SMTP_USER.key()) == null) != (p.get(SMTP_PASSWORD.key()) == null)) {
      throw new ConfigException("invalid configuration: PHOSOR_SMTP_USERNAME: SMTP authentication needs both a user "
          + "name and a password (PHOSOR_SMTP_PASSWORD); only one is set");
    }
    if (p.get(SMTP_HOST.key()) != null && ((List<String>) p.get(SMTP_TO.key())).isEmpty()) {
      throw new ConfigException("invalid configuration: PHOSOR_SMTP_TO: email notifications need at least one "
          + "recipient; PHOSOR_SMTP_HOST is set but PHOSOR_SMTP_TO is empty");
    }
    return new ResponseConfig(
        (Duration) p.get(INCIDENT_WINDOW.key()),
        (Set<String>) p.get(ALLOWED_ACTIONS.key()),
        (Boolean) p.get(DRY_RUN.key()),
        (Integer) p.get(OUTBOX.key()),
        (Integer) p.get(MAX_ATTEMPTS.key()),
        (Duration) p.get(ACTION_TIMEOUT.key()),
        (Integer) p.get(RESPONSE_WORKERS.key()),
        (Duration) p.get(BLOCK_TTL.key()),
        (List<String>) p.get(BLOCK_ALLOW.key()),
        (String) p.get(BLOCKLIST_FEED_TOKEN.key()),
        (List<String>) p.get(FIREWALL_BLOCK.key()),
        (List<String>) p.get(FIREWALL_UNBLOCK.key()),
        (URI) p.get(PUBLIC_URL.key()),
        (URI) p.get(SLACK.key()),
        (URI) p.get(TEAMS.key()),
        (String) p.get(PAGERDUTY_KEY.key()),
        (URI) p.get(PAGERDUTY_URL.key()),
        (String) p.get(SMTP_HOST.key()),
        (Integer) p.get(SMTP_PORT.key()),
        (String) p.get(SMTP_SECURITY.key()),
        (String) p.get(SMTP_USER.key()),
        (String) p.get(SMTP_PASSWORD.key()),
        (String) p.get(SMTP_FROM.key()),
        (List<String>) p.get(SMTP_TO.key()),
        hook,
        (String) p.get(WEBHOOK_SECRET.key()),
        scim,
        scimToken,
        disableHook,
        (String) p.get(ABUSEIPDB_KEY.key()),
        (URI) p.get(ABUSEIPDB_URL.key()),
        (String) p.get(OTX_KEY.key()),
        (URI) p.get(OTX_URL.key()),
        (Integer) p.get(INTEL_RATE.key()),
        (Path) p.get(INTEL_DIR.key()),
        (Duration) p.get(INTEL_RELOAD.key()));
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
    sb.append("\nEnvironment only (also accepted in .env):\n\n| environment | default | meaning |\n|---|---|---|\n");
    for (EnvOnly e : ENV_ONLY) {
      sb.append("| ").append(String.join(", ", e.names().stream().map(n -> "`" + n + "`").toList())).append(" | ")
          .append(e.defaultValue().isEmpty() ? "" : "`" + e.defaultValue() + "`").append(" | ")
          .append(e.doc()).append(" |\n");
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

  /** An http(s) URL, or null when empty. The value is not echoed: webhook URLs carry their own secret. */
  static URI url(String v) {
    if (v.isEmpty()) {
      return null;
    }
    URI u;
    try {
      u = new URI(v);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("must be an http:// or https:// URL; the value given is not a valid URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw new IllegalArgumentException("must be an http:// or https:// URL with a host; the value given is not");
    }
    return u;
  }

  /** A secret (API key, password): null when empty; never echoed. */
  static String secret(String v) {
    if (v.isEmpty()) {
      return null;
    }
    if (v.length() > 4096 || !v.matches("[\\x21-\\x7e]+")) {
      throw new IllegalArgumentException("must be printable ASCII without spaces (at most 4096 characters)");
    }
    return v;
  }

  static Set<String> actionTypes(String v) {
    Set<String> out = new java.util.TreeSet<>();
    for (String part : v.split(",")) {
      String t = part.trim().toLowerCase(Locale.ROOT);
      if (t.isEmpty()) {
        continue;
      }
      if (!ResponseConfig.ACTION_TYPES.contains(t)) {
        throw new IllegalArgumentException("unknown action type '" + t + "'; known: "
            + new java.util.TreeSet<>(ResponseConfig.ACTION_TYPES));
      }
      out.add(t);
    }
    return Set.copyOf(out);
  }

  private static final java.util.regex.Pattern IP_LITERAL =
      java.util.regex.Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** Addresses or CIDR ranges (IPv4 and IPv6 literals only: nothing is looked up in DNS). */
  static List<String> cidrs(String v) {
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String c = part.trim();
      if (c.isEmpty()) {
        continue;
      }
      int slash = c.indexOf('/');
      String addr = slash < 0 ? c : c.substring(0, slash);
      if (!IP_LITERAL.matcher(addr).matches()) {
        throw new IllegalArgumentException("'" + c + "' is not an IP address or CIDR range");
      }
      byte[] bytes;
      try {
        bytes = java.net.InetAddress.getByName(addr).getAddress();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("'" + c + "' is not an IP address or CIDR range");
      }
      if (slash >= 0) {
        int bits = (int) longIn(c.substring(slash + 1), 0, bytes.length * 8L);
        if (bits < 0) {
          throw new IllegalArgumentException("'" + c + "' has a bad prefix length");
        }
      }
      out.add(c);
    }
    return List.copyOf(out);
  }

  /** A command as a JSON array of strings (never a shell line); empty = none. */
  static List<String> argv(String v) {
    if (v.isEmpty()) {
      return List.of();
    }
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(v);
    } catch (IOException e) {
      throw new IllegalArgumentException("must be a JSON array of arguments such as [\"/usr/sbin/ipset\",\"add\","
          + "\"phosor\",\"{ip}\"], was not valid JSON");
    }
    if (n == null || !n.isArray() || n.isEmpty()) {
      throw new IllegalArgumentException("must be a non-empty JSON array of arguments (the program first)");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode a : n) {
      if (!a.isTextual() || a.asText().isEmpty() || a.asText().indexOf('\0') >= 0) {
        throw new IllegalArgumentException("every argument must be a non-empty string");
      }
      out.add(a.asText());
    }
    if (!Path.of(out.get(0)).isAbsolute()) {
      throw new IllegalArgumentException("the program must be an absolute path (no PATH search), was '" + out.get(0) + "'");
    }
    if (out.stream().noneMatch(a -> a.contains("{ip}"))) {
      throw new IllegalArgumentException("no argument contains {ip}, the address to block");
    }
    return List.copyOf(out);
  }

  static String smtpSecurity(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    if (!(s.equals("starttls") || s.equals("tls") || s.equals("none"))) {
      throw new IllegalArgumentException("must be starttls, tls or none, was '" + v + "'");
    }
    return s;
  }

  private static final java.util.regex.Pattern EMAIL =
      java.util.regex.Pattern.compile("[A-Za-z0-9._%+\\-]{1,64}@[A-Za-z0-9.\\-]{1,253}");

  static String email(String v) {
    if (!EMAIL.matcher(v).matches()) {
      throw new IllegalArgumentException("must be an email address such as soc@example.com, was '" + v + "'");
    }
    return v;
  }

  static List<String> emails(String v) {
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        out.add(email(part.trim()));
      }
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
