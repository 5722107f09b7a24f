package io.phosor.search;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the stored JSON of an event (RFC 8259) straight into a reusable byte buffer: a per-event Jackson
 * generator cost ~15 % of indexing time, mostly re-encoding the same field names. Strings are UTF-8 with
 * the mandatory escapes; a lone surrogate becomes a {@code \\uXXXX} escape rather than invalid UTF-8.
 * Not thread-safe: one per indexing thread.
 */
final class JsonWriter extends ByteArrayOutputStream {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** Nesting deeper than this is written as the value's text. */
  static final int MAX_DEPTH = 16;

  private boolean first;
  /** Scratch for {@link #string}. */
  private char[] chars = new char[512];

  JsonWriter() {
    super(2048);
  }

  byte[] array() {
    return buf;
  }

  /** {@code "name":} as UTF-8 JSON, to be written with {@link #name(byte[])}. */
  static byte[] encodeName(String name) {
    JsonWriter w = new JsonWriter();
    w.string(name);
    w.put((byte) ':');
    return Arrays.copyOf(w.buf, w.count);
  }

  void beginObject() {
    put((byte) '{');
    first = true;
  }

  void endObject() {
    put((byte) '}');
    first = false;
  }

  /** Writes {@code "name":} after a comma when needed. */
  void name(String name) {
    comma();
    string(name);
    put((byte) ':');
  }

  /** Writes a name encoded by {@link #encodeName} after a comma when needed. */
  void name(byte[] encoded) {
    comma();
    ensure(encoded.length);
    System.arraycopy(encoded, 0, buf, count, encoded.length);
    count += encoded.length;
  }

  private void comma() {
    if (!first) {
      put((byte) ',');
    }
    first = false;
  }

  void number(long v) {
    ascii(Long.toString(v));
  }

  /** An instant as a string, exactly as {@link Instant#toString()} writes it. */
  void instant(Instant t) {
    long seconds = t.getEpochSecond();
    // years 0000-9999 the fast way; Instant.toString for the rest (it writes +10000, -0001, ...)
    if (seconds < -62_167_219_200L || seconds >= 253_402_300_800L) {
      string(t.toString());
      return;
    }
    LocalDateTime dt = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    ensure(32);
    byte[] b = buf;
    int p = count;
    b[p++] = '"';
    p = digits(b, p, dt.getYear(), 4);
    b[p++] = '-';
    p = digits(b, p, dt.getMonthValue(), 2);
    b[p++] = '-';
    p = digits(b, p, dt.getDayOfMonth(), 2);
    b[p++] = 'T';
    p = digits(b, p, dt.getHour(), 2);
    b[p++] = ':';
    p = digits(b, p, dt.getMinute(), 2);
    b[p++] = ':';
    p = digits(b, p, dt.getSecond(), 2);
    int nanos = t.getNano();
    if (nanos > 0) {
      b[p++] = '.';
      if (nanos % 1_000_000 == 0) {
        p = digits(b, p, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        p = digits(b, p, nanos / 1_000, 6);
      } else {
        p = digits(b, p, nanos, 9);
      }
    }
    b[p++] = 'Z';
    b[p++] = '"';
    count = p;
  }

  private static int digits(byte[] b, int p, int v, int width) {
    for (int i = width - 1; i >= 0; i--) {
      b[p + i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return p + width;
  }

  /** Any value of an event field: scalars, maps, lists, arrays; other objects as their text. */
  void value(Object v, int depth) {
    if (v instanceof String s) {
      string(s);
    } else if (v == null) {
      ascii("null");
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      ascii(Long.toString(((Number) v).longValue()));
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        ascii(Double.toString(d));
      } else {
        string(Double.toString(d)); // NaN and infinities are not JSON numbers
      }
    } else if (v instanceof BigInteger || v instanceof BigDecimal) {
      ascii(v.toString());
    } else if (v instanceof Boolean b) {
      ascii(b ? "true" : "false");
    } else if (depth >= MAX_DEPTH) {
      string(v.toString());
    } else if (v instanceof Map<?, ?> m) {
      put((byte) '{');
      boolean firstEntry = true;
      for (Map.Entry<?, ?> en : m.entrySet()) {
        if (!firstEntry) {
          put((byte) ',');
        }
        firstEntry = false;
        string(String.valueOf(en.getKey()));
        put((byte) ':');
        value(en.getValue(), depth + 1);
      }
      put((byte) '}');
    } else if (v instanceof Collection<?> c) {
      put((byte) '[');
      boolean firstItem = true;
      for (Object o : c) {
        if (!firstItem) {
          put((byte) ',');
        }
        firstItem = false;
        value(o, depth + 1);
      }
      put((byte) ']');
    } else if (v instanceof Object[] a) {
      value(Arrays.asList(a), depth);
    } else {
      string(v.toString()); // Instant, InetAddress, ...: their ISO/text form
    }
  }

  private void put(byte c) {
    ensure(1);
    buf[count++] = c;
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[count++] = (byte) s.charAt(i);
    }
  }

  /** A JSON string: quotes, escapes and UTF-8. */
  void string(String s) {
    int n = s.length();
    ensure(n + 2); // enough for plain ASCII; special() makes room for anything longer
    if (chars.length < n) {
      chars = new char[Math.max(n, chars.length * 2)];
    }
    char[] cs = chars;
    s.getChars(0, n, cs, 0); // one bulk copy instead of a checked charAt per character
    byte[] b = buf;
    int p = count;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = cs[i];
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        b[p++] = (byte) c;
      } else {
        count = p;
        ensure(12 + (n - i)); // this char (up to 6 bytes, 12 for an escaped pair) and the rest as ASCII
        special(s, i, c);
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        }
        b = buf;
        p = count;
      }
    }
    b[p++] = '"';
    count = p;
  }

  private void special(String s, int i, char c) {
    if (c == '"' || c == '\\') {
      buf[count++] = '\\';
      buf[count++] = (byte) c;
    } else if (c < 0x20) {
      switch (c) {
        case '\n' -> {
          buf[count++] = '\\';
          buf[count++] = 'n';
        }
        case '\r' -> {
          buf[count++] = '\\';
          buf[count++] = 'r';
        }
        case '\t' -> {
          buf[count++] = '\\';
          buf[count++] = 't';
        }
        default -> unicodeEscape(c);
      }
    } else if (c < 0x800) {
      buf[count++] = (byte) (0xC0 | (c >> 6));
      buf[count++] = (byte) (0x80 | (c & 0x3F));
    } else if (Character.isSurrogate(c)) {
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(i + 1));
        buf[count++] = (byte) (0xF0 | (cp >> 18));
        buf[count++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[count++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[count++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        unicodeEscape(c);
      }
    } else {
      buf[count++] = (byte) (0xE0 | (c >> 12));
      buf[count++] = (byte) (0x80 | ((c >> 6) & 0x3F));
      buf[count++] = (byte) (0x80 | (c & 0x3F));
    }
  }

  private void unicodeEscape(char c) {
    buf[count++] = '\\';
    buf[count++] = 'u';
    buf[count++] = HEX[(c >> 12) & 0xF];
    buf[count++] = HEX[(c >> 8) & 0xF];
    buf[count++] = HEX[(c >> 4) & 0xF];
    buf[count++] = HEX[c & 0xF];
  }

  private void ensure(int more) {
    if (count + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
    }
  }
}
