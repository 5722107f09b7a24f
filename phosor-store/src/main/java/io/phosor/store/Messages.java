package io.phosor.store;

import java.util.ArrayList;
import java.util.List;

/** Turns exceptions (Flyway's are several lines long) into the one line a store message ends with. */
final class Messages {
  private Messages() {}

  /** The innermost cause (the driver's own words, e.g. "Connection to 127.0.0.1:5432 refused"). */
  static Throwable rootCause(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r;
  }

  /** {@code t}'s message on one line: lines trimmed, joined with "; ", boilerplate and blank lines dropped. */
  static String oneLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    List<String> parts = new ArrayList<>();
    for (String line : m.split("\\R")) {
      String s = line.strip();
      if (s.isEmpty() || s.chars().allMatch(ch -> ch == '-')
          || s.startsWith("Need more flexibility")) {
        continue;
      }
      if (s.startsWith("->")) {
        s = s.substring(2).strip();
      }
      parts.add(s.replaceAll("\\s+", " "));
    }
    return String.join("; ", parts);
  }
}
