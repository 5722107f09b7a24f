package io.phosor.store;

import java.sql.SQLException;
import java.util.List;

/**
 * Turns exceptions into the one line a store message ends with: the driver's own words where there
 * are some ("Connection to 127.0.0.1:5432 refused..."), Flyway's several lines joined into one.
 */
final class Messages {
  /** Lines that add nothing for an operator: Flyway's advertising, and pgjdbc's character positions. */
  private static final List<String> NOISE = List.of("Need more flexibility", "Position:",
      "Validate failed: Migrations have failed validation");

  private Messages() {}

  /** The innermost cause. */
  static Throwable rootCause(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }

  /** The deepest SQLException's message on one line (the driver's words), else the root cause's. */
  static String cause(Throwable t) {
    Throwable best = null;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SQLException && c.getMessage() != null && !c.getMessage().isBlank()) {
        best = c;
      }
    }
    return oneLine(best != null ? best : rootCause(t));
  }

  /**
   * A Flyway failure on one line: for a failed statement, Flyway's headline and the database's error
   * (not Flyway's SQL State / Error Code / Location table); otherwise Flyway's lines joined.
   */
  static String migrationFailure(RuntimeException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SQLException) {
        String headline = e.getMessage() == null ? "" : e.getMessage().strip().lines().findFirst().orElse("");
        headline = headline.replaceAll("[\\s:]+$", "");
        return (headline.isEmpty() ? "" : headline + ": ") + cause(c);
      }
    }
    return oneLine(e);
  }

  /** {@code t}'s message on one line: lines trimmed and joined, blank and noise lines dropped. */
  static String oneLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    StringBuilder b = new StringBuilder();
    for (String line : m.split("\\R")) {
      String s = line.strip();
      if (s.startsWith("->")) {
        s = s.substring(2).strip();
      }
      if (s.isEmpty() || s.chars().allMatch(ch -> ch == '-') || NOISE.stream().anyMatch(s::startsWith)) {
        continue;
      }
      if (!b.isEmpty()) {
        b.append(b.charAt(b.length() - 1) == '.' || b.charAt(b.length() - 1) == ':' ? " " : "; ");
      }
      b.append(s.replaceAll("\\s+", " "));
    }
    return b.toString();
  }
}
