package io.phosor.event;

import java.util.Locale;

/** Phosor's five severity levels (SPEC section 2), with the seeds' words mapped onto them. */
public enum Severity {
  INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL;

  /** The lower-case name used in JSON and rules ("informational", "low", ...). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a severity word: Phosor's five names, the seeds' {@code info}/{@code warning}, and the
   * syslog keywords ({@code emerg} ... {@code debug}). Returns null when the word is not a severity.
   */
  public static Severity parse(String word) {
    if (word == null) {
      return null;
    }
    return switch (word.trim().toLowerCase(Locale.ROOT)) {
      case "informational", "info", "information", "notice", "debug", "low_info" -> INFORMATIONAL;
      case "low" -> LOW;
      case "medium", "warning", "warn", "moderate" -> MEDIUM;
      case "high", "error", "err", "severe" -> HIGH;
      case "critical", "crit", "alert", "emerg", "emergency", "fatal" -> CRITICAL;
      default -> null;
    };
  }

  /** Maps a syslog severity code (RFC 5424 section 6.2.1, 0 = emergency ... 7 = debug). */
  public static Severity fromSyslog(int code) {
    return switch (code) {
      case 0, 1, 2 -> CRITICAL;
      case 3 -> HIGH;
      case 4 -> MEDIUM;
      case 5 -> LOW;
      default -> INFORMATIONAL;
    };
  }
}
