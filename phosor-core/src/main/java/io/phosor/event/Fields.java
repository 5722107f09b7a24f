package io.phosor.event;

import java.util.Map;

/**
 * Canonical field names (Elastic Common Schema where ECS has one) and the seeds' names that work as
 * aliases everywhere: in rules, in ingested JSON and in search (SPEC section 2).
 */
public final class Fields {
  private Fields() {}

  /** Phosor's name of the source the event came through: "syslog", "webhook:my_app", "file:/var/log/auth.log", "hec", "ingest". */
  public static final String SOURCE = "phosor.source";
  /** The sender's address (IP, or IP:port) as seen by the listener (Filebeat's ECS name). */
  public static final String SOURCE_ADDRESS = "log.source.address";
  /** Stable event id: the journal sequence number, assigned when the event is journaled. */
  public static final String ID = "event.id";
  /** Set when the body could not be parsed: the parser's reason. The event is kept with its raw text. */
  public static final String PARSE_ERROR = "error.message";
  /** Event time: when it happened, as written in the message (or ingest time when it has none). */
  public static final String TIMESTAMP = "@timestamp";
  /** Ingest time: when Phosor received it. */
  public static final String INGESTED = "event.ingested";
  /** The message text (syslog MSG part, JSON "message"). */
  public static final String MESSAGE = "message";
  /** The original text exactly as received (after redaction). */
  public static final String ORIGINAL = "event.original";
  /** Phosor's five-level severity word (see {@link Severity}); ECS's numeric event.severity is not used. */
  public static final String SEVERITY = "event.severity";
  public static final String ACTION = "event.action";
  public static final String OUTCOME = "event.outcome";
  public static final String CATEGORY = "event.category";
  public static final String DATASET = "event.dataset";
  public static final String MODULE = "event.module";
  public static final String HOST_NAME = "host.name";
  public static final String SOURCE_IP = "source.ip";
  public static final String SOURCE_PORT = "source.port";
  public static final String SOURCE_GEO = "source.geo.country_iso_code";
  public static final String DESTINATION_IP = "destination.ip";
  public static final String DESTINATION_PORT = "destination.port";
  public static final String USER_NAME = "user.name";
  public static final String USER_TARGET_NAME = "user.target.name";
  public static final String PROCESS_NAME = "process.name";
  public static final String PROCESS_PID = "process.pid";
  public static final String SYSLOG_PRIORITY = "log.syslog.priority";
  public static final String SYSLOG_FACILITY_CODE = "log.syslog.facility.code";
  public static final String SYSLOG_FACILITY_NAME = "log.syslog.facility.name";
  public static final String SYSLOG_SEVERITY_CODE = "log.syslog.severity.code";
  public static final String SYSLOG_SEVERITY_NAME = "log.syslog.severity.name";
  public static final String SYSLOG_VERSION = "log.syslog.version";
  public static final String SYSLOG_APPNAME = "log.syslog.appname";
  public static final String SYSLOG_PROCID = "log.syslog.procid";
  public static final String SYSLOG_MSGID = "log.syslog.msgid";
  public static final String SYSLOG_HOSTNAME = "log.syslog.hostname";
  /** RFC 5424 structured data as {@code Map<sd-id, Map<param, value>>}. */
  public static final String SYSLOG_STRUCTURED_DATA = "log.syslog.structured_data";
  public static final String LOG_FILE_PATH = "log.file.path";
  /** Inode of the tailed file (ECS log.file.inode): tells a rotated file from its successor. */
  public static final String LOG_FILE_INODE = "log.file.inode";
  /** Device of the tailed file (ECS log.file.device_id). */
  public static final String LOG_FILE_DEVICE = "log.file.device_id";
  /** Flags on the log line, e.g. "truncated" for a line cut at the maximum length (ECS log.flags). */
  public static final String LOG_FLAGS = "log.flags";
  /** Byte offset just past the line in the tailed file (ECS log.offset). */
  public static final String LOG_OFFSET = "log.offset";
  public static final String HTTP_METHOD = "http.request.method";
  public static final String HTTP_STATUS = "http.response.status_code";
  public static final String HTTP_BYTES = "http.response.body.bytes";
  public static final String HTTP_REFERRER = "http.request.referrer";
  public static final String URL_ORIGINAL = "url.original";
  public static final String USER_AGENT = "user_agent.original";
  /** Seeds' name, kept canonical: auth_fail, auth_success, invalid_user, privileged_access, ... */
  public static final String EVENT_TYPE = "parsed.event_type";
  /** Seeds' name, kept canonical: true when the redactor changed something in this event. */
  public static final String PII_REDACTED = "parsed.pii_redacted";
  /** Which format parsed the body: rfc5424, rfc3164, cef, leef, json, kv, raw. */
  public static final String PARSER = "parsed.format";

  /** Seeds' and common alternative names mapped onto the canonical names above. */
  public static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("raw", ORIGINAL),
      Map.entry("src_ip", SOURCE_IP),
      Map.entry("ip", SOURCE_IP),
      Map.entry("source_ip", SOURCE_IP),
      Map.entry("src_port", SOURCE_PORT),
      Map.entry("dst_ip", DESTINATION_IP),
      Map.entry("dst_port", DESTINATION_PORT),
      Map.entry("user", USER_NAME),
      Map.entry("username", USER_NAME),
      Map.entry("origin", SOURCE_GEO),
      Map.entry("type", ACTION),
      Map.entry("severity", SEVERITY),
      Map.entry("event_type", EVENT_TYPE),
      Map.entry("host", HOST_NAME),
      Map.entry("hostname", HOST_NAME),
      Map.entry("program", PROCESS_NAME),
      Map.entry("pid", PROCESS_PID),
      Map.entry("timestamp", TIMESTAMP),
      Map.entry("pii_redacted", PII_REDACTED));

  /** Returns the canonical name for a field name or alias (the name itself when it is not an alias). */
  public static String canonical(String name) {
    String c = ALIASES.get(name);
    return c == null ? name : c;
  }
}
