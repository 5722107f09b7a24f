package io.phosor.parse;

/** Facility and severity keywords of RFC 5424 section 6.2.1 (Table 1 and Table 2), as syslog tools write them. */
final class SyslogNames {
  private SyslogNames() {}

  private static final String[] FACILITIES = {
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
    "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
    "local6", "local7"};
  private static final String[] SEVERITIES = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

  /** Severity.label() builds a new string per call; the hot path uses these, computed once. */
  private static final String[] LABELS = new String[io.phosor.event.Severity.values().length];

  static {
    for (io.phosor.event.Severity s : io.phosor.event.Severity.values()) {
      LABELS[s.ordinal()] = s.label();
    }
  }

  /** Phosor's severity word for a level, without allocating. */
  static String label(io.phosor.event.Severity s) {
    return LABELS[s.ordinal()];
  }

  static String facility(int code) {
    return code >= 0 && code < FACILITIES.length ? FACILITIES[code] : null;
  }

  static String severity(int code) {
    return code >= 0 && code < SEVERITIES.length ? SEVERITIES[code] : null;
  }
}
