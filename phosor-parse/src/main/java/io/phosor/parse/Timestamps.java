package io.phosor.parse;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;

/**
 * Hand-written timestamp scanners for the hot path (no java.time formatters, no regex): RFC 3339 as
 * restricted by RFC 5424 section 6.2.3, lenient ISO 8601, the BSD "Mmm dd hh:mm:ss" stamp of RFC 3164
 * section 4.1.2 with year inference, and the Common Log Format stamp "10/Oct/2000:13:55:36 -0700".
 * Each scanner fills a {@link Result} and returns the index just past the stamp, or -1 when the text at
 * {@code start} is not such a stamp.
 */
final class Timestamps {
  private Timestamps() {}

  /**
   * How far in the future of "now" a year-less date may lie before it is taken to be last year's: senders'
   * clocks run a little ahead and queues delay, but a date a week ahead is last year's (RFC 3164 has no year).
   */
  static final long FUTURE_TOLERANCE_SECONDS = 7L * 86_400;

  /** Where a scanned stamp points in time. */
  static final class Result {
    long epochSecond;
    int nanos;
    int end;
    /** The stamp carried its own offset (Z, +hh:mm); false when the source zone was applied. */
    boolean hadOffset;

    Instant instant() {
      return Instant.ofEpochSecond(epochSecond, nanos);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Calendar arithmetic (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil).

  static long epochDay(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  static boolean leap(int y) {
    return (y & 3) == 0 && (y % 100 != 0 || y % 400 == 0);
  }

  static int daysInMonth(int y, int m) {
    return switch (m) {
      case 2 -> leap(y) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Seconds since the epoch of a local date-time read in {@code zone}. */
  static long localToEpoch(int y, int mo, int d, int h, int mi, int s, ZoneId zone) {
    long local = epochDay(y, mo, d) * 86_400 + h * 3600L + mi * 60L + s;
    return local - offsetSeconds(zone, y, mo, d, h, mi, s);
  }

  private static int offsetSeconds(ZoneId zone, int y, int mo, int d, int h, int mi, int s) {
    if (zone instanceof ZoneOffset off) {
      return off.getTotalSeconds();
    }
    ZoneRules rules = zone.getRules();
    if (rules.isFixedOffset()) {
      return rules.getOffset(Instant.EPOCH).getTotalSeconds();
    }
    // two passes over the rules by instant (no LocalDateTime per line); in a DST gap or overlap this
    // picks one of the two valid readings, as any reader of a zone-less stamp must
    long local = epochDay(y, mo, d) * 86_400 + h * 3600L + mi * 60L + s;
    int guess = rules.getOffset(Instant.ofEpochSecond(local)).getTotalSeconds();
    return rules.getOffset(Instant.ofEpochSecond(local - guess)).getTotalSeconds();
  }

  static int digit(String s, int i) {
    if (i >= s.length()) {
      return -1;
    }
    char c = s.charAt(i);
    return c >= '0' && c <= '9' ? c - '0' : -1;
  }

  /** Two digits at i, or -1. */
  static int two(String s, int i) {
    int a = digit(s, i);
    int b = digit(s, i + 1);
    return a < 0 || b < 0 ? -1 : a * 10 + b;
  }

  /** Month number (1-12) of an English three-letter abbreviation at i (any case), or -1. */
  static int month(String s, int i) {
    if (i + 3 > s.length()) {
      return -1;
    }
    int c0 = s.charAt(i) | 0x20;
    int c1 = s.charAt(i + 1) | 0x20;
    int c2 = s.charAt(i + 2) | 0x20;
    return switch (c0) {
      case 'j' -> c1 == 'a' && c2 == 'n' ? 1 : c1 == 'u' ? (c2 == 'n' ? 6 : c2 == 'l' ? 7 : -1) : -1;
      case 'f' -> c1 == 'e' && c2 == 'b' ? 2 : -1;
      case 'm' -> c1 == 'a' ? (c2 == 'r' ? 3 : c2 == 'y' ? 5 : -1) : -1;
      case 'a' -> c1 == 'p' && c2 == 'r' ? 4 : c1 == 'u' && c2 == 'g' ? 8 : -1;
      case 's' -> c1 == 'e' && c2 == 'p' ? 9 : -1;
      case 'o' -> c1 == 'c' && c2 == 't' ? 10 : -1;
      case 'n' -> c1 == 'o' && c2 == 'v' ? 11 : -1;
      case 'd' -> c1 == 'e' && c2 == 'c' ? 12 : -1;
      default -> -1;
    };
  }

  // ---------------------------------------------------------------------------------------------------

  /**
   * Strict RFC 5424 section 6.2.3 TIMESTAMP (RFC 3339 with 'T' and 'Z' upper case, at most 6 fraction
   * digits, offset hours 00-23). Throws {@link SyslogFormatException} naming the offending column.
   */
  static int rfc5424(String s, int i, Result r) {
    int y1 = two(s, i);
    int y2 = two(s, i + 2);
    if (y1 < 0 || y2 < 0 || charAt(s, i + 4) != '-') {
      throw bad(s, i, 5);
    }
    int year = y1 * 100 + y2;
    int mo = two(s, i + 5);
    if (mo < 1 || mo > 12 || charAt(s, i + 7) != '-') {
      throw bad(s, i + 5, 3);
    }
    int d = two(s, i + 8);
    if (d < 1 || d > 31) {
      throw bad(s, i + 8, 2);
    }
    if (charAt(s, i + 10) != 'T') {
      throw new SyslogFormatException(i + 10, "expecting 'T' in the RFC 3339 timestamp (RFC 5424 section 6.2.3)");
    }
    int h = two(s, i + 11);
    if (h < 0 || h > 23 || charAt(s, i + 13) != ':') {
      throw bad(s, i + 11, 3);
    }
    int mi = two(s, i + 14);
    if (mi < 0 || mi > 59 || charAt(s, i + 16) != ':') {
      throw bad(s, i + 14, 3);
    }
    int sec = two(s, i + 17);
    if (sec < 0 || sec > 59) {
      throw bad(s, i + 17, 2);
    }
    int p = i + 19;
    int nanos = 0;
    if (charAt(s, p) == '.') {
      p++;
      int n = 0;
      while (digit(s, p) >= 0) {
        if (n == 6) {
          throw new SyslogFormatException(p, "expecting at most 6 digits of TIME-SECFRAC (RFC 5424 section 6.2.3)");
        }
        nanos = nanos * 10 + digit(s, p);
        n++;
        p++;
      }
      if (n == 0) {
        throw new SyslogFormatException(p, "expecting a digit after '.' in TIME-SECFRAC");
      }
      for (int k = n; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offset;
    char c = charAt(s, p);
    if (c == 'Z') {
      offset = 0;
      p++;
    } else if (c == '+' || c == '-') {
      int oh = two(s, p + 1);
      int om = two(s, p + 4);
      if (oh < 0 || oh > 23 || charAt(s, p + 3) != ':' || om < 0 || om > 59) {
        throw new SyslogFormatException(p, "expecting TIME-NUMOFFSET +hh:mm with hh <= 23 and mm <= 59");
      }
      offset = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
      p += 6;
    } else {
      throw new SyslogFormatException(p, "expecting TIME-OFFSET ('Z' or +hh:mm) (RFC 5424 section 6.2.3)");
    }
    if (d > daysInMonth(year, mo)) {
      throw new SyslogFormatException(p, "day out of range for the month in " + s.substring(i, p));
    }
    r.epochSecond = epochDay(year, mo, d) * 86_400 + h * 3600L + mi * 60L + sec - offset;
    r.nanos = nanos;
    r.end = p;
    r.hadOffset = true;
    return p;
  }

  private static SyslogFormatException bad(String s, int at, int width) {
    int p = at;
    while (p < at + width && p < s.length() && digit(s, p) >= 0) {
      p++;
    }
    return new SyslogFormatException(p, "expecting an RFC 3339 timestamp or a nil value (RFC 5424 section 6.2.3)");
  }

  static char charAt(String s, int i) {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  /**
   * Lenient ISO 8601 / RFC 3339: {@code YYYY-MM-DD}, 'T' or one space, {@code hh:mm[:ss[.f{1,9}]]},
   * then optionally 'Z', {@code ±hh:mm}, {@code ±hhmm} or {@code ±hh}; without an offset the stamp is read in
   * {@code zone}. Returns the end index or -1.
   */
  static int iso(String s, int i, ZoneId zone, Result r) {
    int y1 = two(s, i);
    int y2 = two(s, i + 2);
    if (y1 < 0 || y2 < 0 || charAt(s, i + 4) != '-') {
      return -1;
    }
    int year = y1 * 100 + y2;
    int mo = two(s, i + 5);
    int d = two(s, i + 8);
    if (mo < 1 || mo > 12 || charAt(s, i + 7) != '-' || d < 1 || d > daysInMonth(year, mo)) {
      return -1;
    }
    char sep = charAt(s, i + 10);
    if (sep != 'T' && sep != ' ' && sep != 't') {
      if (i + 10 >= s.length() || !Character.isDigit(sep)) { // a bare date
        r.epochSecond = localToEpoch(year, mo, d, 0, 0, 0, zone);
        r.nanos = 0;
        r.end = i + 10;
        r.hadOffset = false;
        return r.end;
      }
      return -1;
    }
    int h = two(s, i + 11);
    int mi = two(s, i + 14);
    if (h < 0 || h > 23 || charAt(s, i + 13) != ':' || mi < 0 || mi > 59) {
      return -1;
    }
    int p = i + 16;
    int sec = 0;
    int nanos = 0;
    if (charAt(s, p) == ':') {
      sec = two(s, p + 1);
      if (sec < 0 || sec > 60) {
        return -1;
      }
      sec = Math.min(sec, 59);
      p += 3;
      if ((charAt(s, p) == '.' || charAt(s, p) == ',') && digit(s, p + 1) >= 0) {
        p++;
        nanos = fractionNanos(s, p);
        p = digitsEnd(s, p);
      }
    }
    return finishOffset(s, p, year, mo, d, h, mi, sec, nanos, zone, r);
  }

  private static int finishOffset(String s, int p, int year, int mo, int d, int h, int mi, int sec, int nanos,
      ZoneId zone, Result r) {
    char c = charAt(s, p);
    long local = epochDay(year, mo, d) * 86_400 + h * 3600L + mi * 60L + sec;
    if (c == 'Z' || c == 'z') {
      r.epochSecond = local;
      r.hadOffset = true;
      p++;
    } else if ((c == '+' || c == '-') && two(s, p + 1) >= 0) {
      int oh = two(s, p + 1);
      int q = p + 3;
      int om = 0;
      if (charAt(s, q) == ':' && two(s, q + 1) >= 0) {
        om = two(s, q + 1);
        q += 3;
      } else if (two(s, q) >= 0) {
        om = two(s, q);
        q += 2;
      }
      if (oh > 23 || om > 59) {
        return -1;
      }
      r.epochSecond = local - (oh * 3600L + om * 60L) * (c == '-' ? -1 : 1);
      r.hadOffset = true;
      p = q;
    } else {
      r.epochSecond = localToEpoch(year, mo, d, h, mi, sec, zone);
      r.hadOffset = false;
    }
    r.nanos = nanos;
    r.end = p;
    return p;
  }

  /**
   * The BSD stamp of RFC 3164 section 4.1.2: {@code Mmm dd hh:mm:ss} (day space-padded, "Nov  1", or
   * unpadded), optionally with milliseconds (Cisco IOS); the year is inferred from {@code nowEpochSecond}
   * (see {@link #inferYear}). Returns the end index or -1.
   */
  static int bsd(String s, int i, ZoneId zone, long nowEpochSecond, Result r) {
    return bsd(s, i, zone, nowEpochSecond, -1, r);
  }

  /** {@link #bsd(String, int, ZoneId, long, Result)} with a known year ({@code -1}: infer it). */
  static int bsd(String s, int i, ZoneId zone, long nowEpochSecond, int knownYear, Result r) {
    int mo = month(s, i);
    if (mo < 0 || charAt(s, i + 3) != ' ') {
      return -1;
    }
    int p = i + 4;
    if (charAt(s, p) == ' ') {
      p++;
    }
    int d = digit(s, p);
    if (d < 0) {
      return -1;
    }
    p++;
    if (digit(s, p) >= 0) {
      d = d * 10 + digit(s, p);
      p++;
    }
    if (d < 1 || d > 31 || charAt(s, p) != ' ') {
      return -1;
    }
    p++;
    int year = knownYear;
    if (two(s, p) >= 0 && two(s, p + 2) >= 0 && charAt(s, p + 4) == ' ') { // "Mmm dd yyyy hh:mm:ss"
      year = two(s, p) * 100 + two(s, p + 2);
      p += 5;
    }
    int h = two(s, p);
    int mi = two(s, p + 3);
    int sec = two(s, p + 6);
    if (h < 0 || h > 23 || charAt(s, p + 2) != ':' || mi < 0 || mi > 59 || charAt(s, p + 5) != ':' || sec < 0
        || sec > 60) {
      return -1;
    }
    sec = Math.min(sec, 59);
    p += 8;
    int nanos = 0;
    if (charAt(s, p) == '.' && digit(s, p + 1) >= 0) {
      p++;
      nanos = fractionNanos(s, p);
      p = digitsEnd(s, p);
    }
    if (year < 0) {
      year = inferYear(mo, d, h, mi, sec, zone, nowEpochSecond);
    }
    if (d > daysInMonth(year, mo)) {
      return -1;
    }
    r.epochSecond = localToEpoch(year, mo, d, h, mi, sec, zone);
    r.nanos = nanos;
    r.end = p;
    r.hadOffset = false;
    return p;
  }

  /**
   * Year inference for stamps without a year (RFC 3164): take the current year in {@code zone}; if that
   * puts the date more than {@link #FUTURE_TOLERANCE_SECONDS} after now, it is last year's (a December line
   * read in January); if it puts it more than a year minus that tolerance before now, it is next year's
   * (a sender whose clock already passed midnight on New Year's Eve).
   */
  static int inferYear(int mo, int d, int h, int mi, int sec, ZoneId zone, long nowEpochSecond) {
    int year = yearOf(nowEpochSecond, zone);
    int dd = mo == 2 && d == 29 && !leap(year) ? 28 : d;
    long candidate = localToEpoch(year, mo, dd, h, mi, sec, zone);
    if (candidate - nowEpochSecond > FUTURE_TOLERANCE_SECONDS) {
      return year - 1;
    }
    if (nowEpochSecond - candidate > 365L * 86_400 - FUTURE_TOLERANCE_SECONDS) {
      return year + 1;
    }
    return year;
  }

  static int yearOf(long epochSecond, ZoneId zone) {
    int off = zone instanceof ZoneOffset o ? o.getTotalSeconds()
        : zone.getRules().getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
    long day = Math.floorDiv(epochSecond + off, 86_400);
    // civil_from_days (Hinnant), year only
    long z = day + 719_468;
    long era = (z >= 0 ? z : z - 146_096) / 146_097;
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long m = mp + (mp < 10 ? 3 : -9);
    return (int) (yoe + era * 400 + (m <= 2 ? 1 : 0));
  }

  /** Common Log Format stamp {@code dd/Mmm/yyyy:hh:mm:ss ±hhmm} (Apache %t without brackets). */
  static int clf(String s, int i, ZoneId zone, Result r) {
    int d = digit(s, i);
    if (d < 0) {
      return -1;
    }
    int p = i + 1;
    if (digit(s, p) >= 0) {
      d = d * 10 + digit(s, p);
      p++;
    }
    if (charAt(s, p) != '/') {
      return -1;
    }
    int mo = month(s, p + 1);
    if (mo < 0 || charAt(s, p + 4) != '/') {
      return -1;
    }
    p += 5;
    int y1 = two(s, p);
    int y2 = two(s, p + 2);
    if (y1 < 0 || y2 < 0 || charAt(s, p + 4) != ':') {
      return -1;
    }
    int year = y1 * 100 + y2;
    p += 5;
    int h = two(s, p);
    int mi = two(s, p + 3);
    int sec = two(s, p + 6);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60 || charAt(s, p + 2) != ':'
        || charAt(s, p + 5) != ':' || d < 1 || d > daysInMonth(year, mo)) {
      return -1;
    }
    sec = Math.min(sec, 59);
    p += 8;
    int nanos = 0;
    if (charAt(s, p) == '.' && digit(s, p + 1) >= 0) { // %{msec_frac}t variants
      p++;
      nanos = fractionNanos(s, p);
      p = digitsEnd(s, p);
    }
    if (charAt(s, p) == ' ') {
      p++;
    }
    return finishOffset(s, p, year, mo, d, h, mi, sec, nanos, zone, r);
  }

  /**
   * Any timestamp Phosor accepts in a field value: ISO 8601, epoch seconds or milliseconds (also micro and
   * nanoseconds by magnitude, fractions allowed), BSD or CLF stamps, or "MMM dd yyyy HH:mm:ss" (CEF rt).
   * Returns null when the value is not a timestamp.
   */
  static Instant parseAny(Object value, ZoneId zone, long nowEpochSecond) {
    if (value instanceof Number n) {
      return fromEpochNumber(n.doubleValue(), n instanceof Double || n instanceof Float);
    }
    if (!(value instanceof String s0)) {
      return null;
    }
    String s = s0.trim();
    if (s.isEmpty()) {
      return null;
    }
    Result r = new Result();
    if (iso(s, 0, zone, r) == s.length()) {
      return r.instant();
    }
    if (isNumber(s)) {
      try {
        double v = Double.parseDouble(s);
        return fromEpochNumber(v, s.indexOf('.') >= 0);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    int end = bsd(s, 0, zone, nowEpochSecond, r);
    if (end > 0) {
      return rest(s, end, r, zone);
    }
    end = clf(s, 0, zone, r);
    return end == s.length() ? r.instant() : null;
  }

  private static Instant rest(String s, int end, Result r, ZoneId zone) {
    String tail = s.substring(end).trim();
    if (tail.isEmpty()) {
      return r.instant();
    }
    ZoneId z = zoneOf(tail);
    if (z == null) {
      return null;
    }
    // re-read in the named zone
    long local = r.epochSecond + zone.getRules().getOffset(r.instant()).getTotalSeconds();
    long epoch = local - z.getRules().getOffset(Instant.ofEpochSecond(local)).getTotalSeconds();
    return Instant.ofEpochSecond(epoch, r.nanos);
  }

  /** A zone written after a timestamp ("UTC", "CET", "+0100", "Europe/Berlin"), or null. */
  static ZoneId zoneOf(String name) {
    String n = name.endsWith(":") ? name.substring(0, name.length() - 1) : name;
    if (n.equals("UTC") || n.equals("GMT") || n.equals("Z") || n.equals("UT")) {
      return ZoneOffset.UTC;
    }
    try {
      if (n.startsWith("+") || n.startsWith("-")) {
        return ZoneOffset.of(n.length() == 5 ? n.substring(0, 3) + ":" + n.substring(3) : n);
      }
      return ZoneId.of(n, ZoneId.SHORT_IDS);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean isNumber(String s) {
    int dots = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots <= 1 && s.length() >= 9;
  }

  /** Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude. */
  static Instant fromEpochNumber(double v, boolean fractional) {
    if (!(v > 0) || Double.isInfinite(v)) {
      return null;
    }
    if (v < 1e11) {
      long secs = (long) v;
      return Instant.ofEpochSecond(secs, fractional ? Math.round((v - secs) * 1e9) : 0);
    }
    if (v < 1e14) {
      return Instant.ofEpochMilli((long) v);
    }
    if (v < 1e17) {
      long micros = (long) v;
      return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
    }
    long nanos = (long) v;
    return Instant.ofEpochSecond(nanos / 1_000_000_000, nanos % 1_000_000_000);
  }

  /** Nanoseconds of the fraction whose digits start at {@code p} (digits past the ninth are ignored). */
  private static int fractionNanos(String s, int p) {
    int nanos = 0;
    int n = 0;
    while (n < 9 && digit(s, p + n) >= 0) {
      nanos = nanos * 10 + digit(s, p + n);
      n++;
    }
    for (int k = n; k < 9; k++) {
      nanos *= 10;
    }
    return nanos;
  }

  /** Index just past the run of digits starting at {@code p}. */
  private static int digitsEnd(String s, int p) {
    while (digit(s, p) >= 0) {
      p++;
    }
    return p;
  }
}
