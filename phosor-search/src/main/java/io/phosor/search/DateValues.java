package io.phosor.search;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Dates in queries and instants in the index. A query date stands for the whole unit it names: {@code
 * 2026-11-21} is that UTC day, {@code 2026-11-21T10:15} that minute, {@code 2026-11-21T10:15:30Z} that
 * second, so {@code @timestamp:2026-11-21} matches the day and {@code [2026-11-01 TO 2026-11-02]} both
 * days (Elasticsearch rounds the same way). Also {@code now}, {@code now-15m} (s, m, h, d) and epoch
 * milliseconds.
 */
final class DateValues {
  private DateValues() {}

  /** Smallest and largest indexable instants: epoch milliseconds that fit a long. */
  static long millis(Instant t) {
    if (t.getEpochSecond() >= Long.MAX_VALUE / 1000 - 1) {
      return Long.MAX_VALUE;
    }
    if (t.getEpochSecond() <= Long.MIN_VALUE / 1000 + 1) {
      return Long.MIN_VALUE;
    }
    return t.toEpochMilli();
  }

  /**
   * The span {@code [start, end)} in epoch milliseconds that {@code text} names, or null when it is not a
   * date this parser reads.
   */
  static long[] parse(String text, Clock clock) {
    String s = text.trim();
    if (s.isEmpty()) {
      return null;
    }
    if (s.startsWith("now")) {
      return now(s, clock);
    }
    if (isDigits(s)) {
      try {
        long ms = Long.parseLong(s);
        return new long[] {ms, ms + 1};
      } catch (NumberFormatException e) {
        return null;
      }
    }
    try {
      if (s.length() == 10) {
        long start = LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return new long[] {start, start + 86_400_000L};
      }
      int t = s.indexOf('T');
      if (t != 10) {
        return null;
      }
      String time = s.substring(t + 1);
      boolean zoned = time.endsWith("Z") || time.indexOf('+') >= 0 || time.indexOf('-') >= 0;
      Instant at = zoned ? OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant()
          : LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
      long start = at.toEpochMilli();
      // the unit named: HH:mm -> a minute, HH:mm:ss -> a second, with a fraction -> a millisecond
      String clockPart = time.replaceAll("(Z|[+-].*)$", "");
      long unit = clockPart.length() <= 5 ? 60_000L : clockPart.indexOf('.') < 0 ? 1_000L : 1L;
      return new long[] {start, start + unit};
    } catch (DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  private static long[] now(String s, Clock clock) {
    long now = clock.millis();
    if (s.equals("now")) {
      return new long[] {now, now + 1};
    }
    if (s.length() < 5 || (s.charAt(3) != '-' && s.charAt(3) != '+')) {
      return null;
    }
    char unit = s.charAt(s.length() - 1);
    String digits = s.substring(4, s.length() - 1);
    if (!isDigits(digits) || digits.length() > 9) {
      return null;
    }
    long n = Long.parseLong(digits);
    long ms = switch (unit) {
      case 's' -> n * 1_000L;
      case 'm' -> n * 60_000L;
      case 'h' -> n * 3_600_000L;
      case 'd' -> n * 86_400_000L;
      default -> -1;
    };
    if (ms < 0) {
      return null;
    }
    long at = s.charAt(3) == '-' ? now - ms : now + ms;
    return new long[] {at, at + 1};
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
