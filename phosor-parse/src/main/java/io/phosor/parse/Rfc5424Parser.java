package io.phosor.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 5424 "The Syslog Protocol", section 6 (SYSLOG-MSG = HEADER SP STRUCTURED-DATA [SP MSG]), scanned by
 * hand. Strict mode follows the ABNF of section 6 and rejects what it forbids, with the column and the
 * expectation; lenient mode (used for live traffic) also accepts two common sender mistakes: white space
 * around '=' in SD-PARAMs and a repeated SD-ID (whose parameters are merged).
 */
final class Rfc5424Parser {
  private Rfc5424Parser() {}

  /** RFC 5424 section 6: HOSTNAME is at most 255, APP-NAME 48, PROCID 128, MSGID 32, SD-NAME 32 characters. */
  static final int MAX_HOSTNAME = 255;
  static final int MAX_APPNAME = 48;
  static final int MAX_PROCID = 128;
  static final int MAX_MSGID = 32;
  static final int MAX_SD_NAME = 32;

  /** Parses strictly. */
  static SyslogMessage parse(String s) {
    return parse(s, false);
  }

  /**
   * Parses raw bytes: MSG-ANY may be any octets (decoded with replacement characters), but a MSG that starts
   * with a BOM must be valid UTF-8 (RFC 5424 section 6.4), and so must PARAM-VALUEs (section 6.3.3).
   */
  static SyslogMessage parse(byte[] bytes) {
    try {
      String strict = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      return parse(strict, false);
    } catch (CharacterCodingException e) {
      SyslogMessage m = parse(new String(bytes, StandardCharsets.UTF_8), false);
      if (m.bom || m.message == null || m.message.indexOf('\uFFFD') < 0) {
        throw new SyslogFormatException(bytes.length,
            "expecting a free-form message in UTF-8 after the BOM (RFC 5424 section 6.4)");
      }
      return m;
    }
  }

  /** Parses {@code s}; {@code lenient} accepts the sender mistakes listed on the class. */
  static SyslogMessage parse(String s, boolean lenient) {
    SyslogMessage m = new SyslogMessage();
    int n = s.length();
    // 6.2.1 PRI = "<" PRIVAL ">", PRIVAL = 1*3DIGIT in 0..191, no leading zeros
    if (n == 0 || s.charAt(0) != '<') {
      throw new SyslogFormatException(0, "expecting a priority value within angle brackets (RFC 5424 section 6.2.1)");
    }
    int p = 1;
    int pri = 0;
    int digits = 0;
    while (p < n && Timestamps.digit(s, p) >= 0) {
      if (digits == 3 || (digits == 1 && pri == 0)) {
        throw new SyslogFormatException(p, "expecting a priority value in the range 0-191 without leading zeros");
      }
      pri = pri * 10 + s.charAt(p) - '0';
      digits++;
      p++;
    }
    if (digits == 0 || pri > 191) {
      throw new SyslogFormatException(p, "expecting a priority value in the range 0-191 (RFC 5424 section 6.2.1)");
    }
    if (p >= n || s.charAt(p) != '>') {
      throw new SyslogFormatException(p, "expecting '>' after the priority value");
    }
    m.priority = pri;
    p++;
    // 6.2.2 VERSION = NONZERO-DIGIT 0*2DIGIT
    int v = 0;
    digits = 0;
    while (p < n && Timestamps.digit(s, p) >= 0) {
      if (digits == 3) {
        throw new SyslogFormatException(p, "expecting a version value in the range 1-999 (RFC 5424 section 6.2.2)");
      }
      if (digits == 0 && s.charAt(p) == '0') {
        throw new SyslogFormatException(p, "expecting a version value in the range 1-999 (RFC 5424 section 6.2.2)");
      }
      v = v * 10 + s.charAt(p) - '0';
      digits++;
      p++;
    }
    if (digits == 0) {
      throw new SyslogFormatException(p, "expecting a version value in the range 1-999 (RFC 5424 section 6.2.2)");
    }
    m.version = v;
    p = sp(s, p);
    // 6.2.3 TIMESTAMP = NILVALUE / FULL-DATE "T" FULL-TIME
    if (p < n && s.charAt(p) == '-' && (p + 1 >= n || s.charAt(p + 1) == ' ')) {
      p++;
    } else if (p >= n) {
      throw new SyslogFormatException(p, "expecting an RFC 3339 timestamp or a nil value (RFC 5424 section 6.2.3)");
    } else {
      Timestamps.Result r = new Timestamps.Result();
      p = Timestamps.rfc5424(s, p, r);
      m.timestamp = r.instant();
    }
    p = sp(s, p);
    int end = token(s, p, MAX_HOSTNAME, "an hostname (1 to 255 printable US-ASCII characters) or a nil value");
    m.hostname = nil(s, p, end);
    p = sp(s, end);
    end = token(s, p, MAX_APPNAME, "an app-name (1 to 48 printable US-ASCII characters) or a nil value");
    m.appname = nil(s, p, end);
    p = sp(s, end);
    end = token(s, p, MAX_PROCID, "a procid (1 to 128 printable US-ASCII characters) or a nil value");
    m.procid = nil(s, p, end);
    p = sp(s, end);
    end = token(s, p, MAX_MSGID, "a msgid (1 to 32 printable US-ASCII characters) or a nil value");
    m.msgid = nil(s, p, end);
    p = sp(s, end);
    // 6.3 STRUCTURED-DATA = NILVALUE / 1*SD-ELEMENT
    if (p >= n) {
      throw new SyslogFormatException(p, "expecting structured data or a nil value (RFC 5424 section 6.3)");
    }
    if (s.charAt(p) == '-') {
      p++;
    } else if (s.charAt(p) == '[') {
      p = structuredData(s, p, m, lenient);
    } else {
      throw new SyslogFormatException(p, "expecting a structured data section `[id( key=\"value\")*]` or a nil value");
    }
    // 6.4 MSG, after one SP
    if (p == n) {
      return m;
    }
    if (s.charAt(p) != ' ') {
      throw new SyslogFormatException(p, "expecting a space before MSG (RFC 5424 section 6)");
    }
    p++;
    if (p < n && s.charAt(p) == '\uFEFF') {
      m.bom = true;
      p++;
      m.message = s.substring(p);
    } else if (p < n) {
      m.message = s.substring(p);
    }
    return m;
  }

  private static int sp(String s, int p) {
    if (p >= s.length() || s.charAt(p) != ' ') {
      throw new SyslogFormatException(p, "parsing error: expecting a space (RFC 5424 section 6)");
    }
    return p + 1;
  }

  /** End of a run of PRINTUSASCII (%d33-126) of 1..max characters starting at p. */
  private static int token(String s, int p, int max, String what) {
    int q = p;
    int n = s.length();
    while (q < n) {
      char c = s.charAt(q);
      if (c < 33 || c > 126) {
        break;
      }
      q++;
      if (q - p > max) {
        throw new SyslogFormatException(q, "expecting " + what);
      }
    }
    if (q == p || (q < n && s.charAt(q) != ' ') || q == n) {
      throw new SyslogFormatException(q, "expecting " + what);
    }
    return q;
  }

  private static String nil(String s, int p, int end) {
    return end - p == 1 && s.charAt(p) == '-' ? null : s.substring(p, end);
  }

  private static int structuredData(String s, int p, SyslogMessage m, boolean lenient) {
    int n = s.length();
    Map<String, Map<String, String>> sd = new LinkedHashMap<>(4);
    StringBuilder value = new StringBuilder(32);
    while (p < n && s.charAt(p) == '[') {
      int start = ++p;
      p = sdName(s, p);
      if (p == start) {
        throw new SyslogFormatException(p,
            "expecting a structured data element id (1 to 32 printable US-ASCII characters except `=`, ` `, `]`, `\"`)");
      }
      String id = s.substring(start, p);
      Map<String, String> params = sd.get(id);
      if (params != null && !lenient) {
        throw new SyslogFormatException(p, "duplicate structured data element id (RFC 5424 section 6.3.2)");
      }
      if (params == null) {
        params = new LinkedHashMap<>(8);
        sd.put(id, params);
      }
      while (true) {
        if (p >= n) {
          throw new SyslogFormatException(p, "expecting ']' to close the structured data element");
        }
        char c = s.charAt(p);
        if (c == ']') {
          p++;
          break;
        }
        if (c != ' ') {
          throw new SyslogFormatException(p, "expecting a structured data parameter (`key=\"value\"`) or ']'");
        }
        p++;
        int ks = p;
        p = sdName(s, p);
        if (p == ks) {
          throw new SyslogFormatException(p,
              "expecting a structured data parameter (`key=\"value\"`, key of 1 to 32 printable US-ASCII characters)");
        }
        String key = s.substring(ks, p);
        if (lenient) {
          while (p < n && s.charAt(p) == ' ') {
            p++;
          }
        }
        if (p >= n || s.charAt(p) != '=') {
          throw new SyslogFormatException(p, "expecting '=' in a structured data parameter");
        }
        p++;
        if (lenient) {
          while (p < n && s.charAt(p) == ' ') {
            p++;
          }
        }
        if (p >= n || s.charAt(p) != '"') {
          throw new SyslogFormatException(p, "expecting '\"' to open a structured data parameter value");
        }
        p++;
        value.setLength(0);
        while (true) {
          if (p >= n) {
            throw new SyslogFormatException(p, "expecting '\"' to close a structured data parameter value");
          }
          char d = s.charAt(p);
          if (d == '"') {
            p++;
            break;
          }
          if (d == ']') {
            throw new SyslogFormatException(p,
                "expecting chars `]`, `\"`, and `\\` to be escaped within param value (RFC 5424 section 6.3.3)");
          }
          if (d == '\\' && p + 1 < n) {
            char e = s.charAt(p + 1);
            if (e == '"' || e == '\\' || e == ']') {
              value.append(e);
              p += 2;
              continue;
            }
            // section 6.3.3: any other escape is a literal backslash followed by a regular character
          }
          value.append(d);
          p++;
        }
        params.put(key, value.toString());
      }
    }
    m.structuredData = sd;
    return p;
  }

  /** SD-NAME = 1*32PRINTUSASCII except '=', SP, ']', '"'. Returns the end index (== p when empty). */
  private static int sdName(String s, int p) {
    int q = p;
    int n = s.length();
    while (q < n) {
      char c = s.charAt(q);
      if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"') {
        break;
      }
      q++;
      if (q - p > MAX_SD_NAME) {
        throw new SyslogFormatException(q, "expecting a structured data name of at most 32 characters");
      }
    }
    return q;
  }
}
