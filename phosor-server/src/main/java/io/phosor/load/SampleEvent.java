package io.phosor.load;

/**
 * One generated event and its wire forms (syslog line, webhook JSON, HEC envelope, GELF).
 *
 * @param sentNanos wall-clock send time in epoch nanoseconds (whole milliseconds for a marker)
 * @param pid process id, or 0 when the program logs without one (sudo)
 * @param ip the client address in the message, or null
 * @param user the user name in the message, or null
 * @param marker a latency marker: sent with its millisecond send time as its event time (RFC 5424 timestamp
 *     for syslog, {@code @timestamp} in JSON), so the alert it raises has that time as {@code last_seen}
 */
record SampleEvent(long seq, long sentNanos, int pri, String timestamp, String host, String program, int pid,
    String text, String ip, String user, String runId, boolean marker) {
  /** RFC 5424 / ISO-8601 UTC timestamp with exactly three fraction digits. */
  private static final java.time.format.DateTimeFormatter MILLIS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

  /** The send time in epoch milliseconds. */
  long sentMillis() {
    return Math.floorDiv(sentNanos, 1_000_000L);
  }

  /** The send time as {@code 2026-11-22T05:10:00.123Z}. */
  String isoMillis() {
    return MILLIS.format(java.time.Instant.ofEpochMilli(sentMillis()));
  }


  /**
   * An RFC 3164 line: {@code <38>Jan  1 00:00:00 web-01 sshd[4121]: Failed password ... seq=7 sent_ns=...}; a
   * marker is an RFC 5424 line with a millisecond timestamp: {@code <14>1 2026-11-22T05:10:00.123Z web-01
   * phosor-load 4121 - - phosor-load-marker run=... seq=1000 sent_ns=...}.
   */
  String syslogLine() {
    StringBuilder sb = new StringBuilder(text.length() + 64);
    if (marker) { // RFC 5424: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG
      return sb.append('<').append(pri).append(">1 ").append(isoMillis()).append(' ').append(host).append(' ')
          .append(program).append(' ').append(pid == 0 ? "-" : Integer.toString(pid)).append(" - - ").append(text)
          .toString();
    }
    sb.append('<').append(pri).append('>').append(timestamp).append(' ').append(host).append(' ').append(program);
    if (pid != 0) {
      sb.append('[').append(pid).append(']');
    }
    return sb.append(": ").append(text).toString();
  }

  /** A JSON object for the webhook (field names are the SPEC's aliases), on one line. */
  String json() {
    return appendJson(new StringBuilder(text.length() + 200)).toString();
  }

  /** A Splunk HEC event: {@code {"time":1767225600.123,"host":...,"sourcetype":"syslog","event":{...}}}. */
  String hec() {
    StringBuilder sb = new StringBuilder(text.length() + 280);
    long seconds = sentNanos / 1_000_000_000L;
    long millis = sentNanos / 1_000_000L % 1_000;
    sb.append("{\"time\":").append(seconds).append('.');
    if (millis < 100) {
      sb.append(millis < 10 ? "00" : "0");
    }
    sb.append(millis).append(",\"host\":");
    Json.quote(sb, host).append(",\"source\":\"phosor-load\",\"sourcetype\":\"syslog\",\"event\":");
    return appendJson(sb).append('}').toString();
  }

  /** A GELF 1.1 message: {@code {"version":"1.1","host":...,"short_message":...,"level":6,"_program":...}}. */
  String gelf() {
    StringBuilder sb = new StringBuilder(text.length() + 240);
    sb.append("{\"version\":\"1.1\",\"host\":");
    Json.quote(sb, host).append(",\"short_message\":");
    Json.quote(sb, text).append(",\"timestamp\":").append(sentNanos / 1_000_000_000L).append('.');
    long millis = sentNanos / 1_000_000L % 1_000;
    if (millis < 100) {
      sb.append(millis < 10 ? "00" : "0");
    }
    sb.append(millis).append(",\"level\":").append(pri & 7).append(",\"_program\":");
    Json.quote(sb, program);
    if (ip != null) {
      Json.quote(sb.append(",\"_src_ip\":"), ip);
    }
    if (user != null) {
      Json.quote(sb.append(",\"_user\":"), user);
    }
    sb.append(",\"_load_run\":");
    Json.quote(sb, runId).append(",\"_seq\":").append(seq).append(",\"_sent_ns\":").append(sentNanos);
    return sb.append('}').toString();
  }

  private StringBuilder appendJson(StringBuilder sb) {
    sb.append('{');
    if (marker) {
      sb.append("\"@timestamp\":\"").append(isoMillis()).append("\",");
    }
    sb.append("\"message\":");
    Json.quote(sb, text).append(",\"host\":");
    Json.quote(sb, host).append(",\"program\":");
    Json.quote(sb, program);
    if (ip != null) {
      Json.quote(sb.append(",\"src_ip\":"), ip);
    }
    if (user != null) {
      Json.quote(sb.append(",\"user\":"), user);
    }
    sb.append(",\"load_run\":");
    Json.quote(sb, runId).append(",\"seq\":").append(seq).append(",\"sent_ns\":").append(sentNanos);
    return sb.append('}');
  }
}
