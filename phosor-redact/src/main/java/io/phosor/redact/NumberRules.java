package io.phosor.redact;

import static io.phosor.redact.Chars.alpha;
import static io.phosor.redact.Chars.charAt;
import static io.phosor.redact.Chars.digit;
import static io.phosor.redact.Chars.digitAt;
import static io.phosor.redact.Chars.digitsEnd;
import static io.phosor.redact.Chars.word;

/**
 * Rules anchored at the start of a run of digits: US SSNs, payment card numbers, phone numbers, private
 * IPv4 addresses and Telegram bot tokens. Every rule is a bounded forward walk; nothing backtracks.
 */
final class NumberRules {
  private NumberRules() {}

  /** Longest digit chain looked at; cards have at most 19 digits, phones 15. */
  private static final int MAX_GROUPS = 6;

  /**
   * Looks for findings whose digits start at {@code i} (the first digit of a run) and returns the index
   * scanning may continue from.
   */
  static int scan(String s, int i, boolean ssnUnseparated, Hits hits) {
    int runEnd = digitsEnd(s, i);
    int skip = runEnd;
    if (hits.wants(PiiType.CREDIT_CARD)) {
      skip = Math.max(skip, card(s, i, hits));
    }
    if (hits.wants(PiiType.SSN)) {
      skip = Math.max(skip, ssn(s, i, runEnd, ssnUnseparated, hits));
    }
    if (hits.wants(PiiType.INTERNAL_IP) && runEnd - i <= 3 && charAt(s, runEnd, '.')) {
      skip = Math.max(skip, ipv4(s, i, hits));
    }
    if (hits.wants(PiiType.PHONE)) {
      skip = Math.max(skip, phone(s, i, hits));
    }
    if (hits.wants(PiiType.API_KEY) && runEnd - i >= 8 && runEnd - i <= 10 && charAt(s, runEnd, ':')) {
      skip = Math.max(skip, telegram(s, i, runEnd, hits));
    }
    return skip;
  }

  /**
   * Whether a number may start at {@code i}: not glued to a word, a decimal point or a longer number. With
   * {@code dashed} (a hyphenated form) a number and a space before it do not make it the tail of a chain
   * ({@code 078-051121 07805-1121} holds two SSNs).
   */
  private static boolean leftBoundary(String s, int i, boolean dashed) {
    if (i == 0) {
      return true;
    }
    char p = s.charAt(i - 1);
    if (word(p) || p == '.') {
      return false;
    }
    // "12-4111-..." or "12 4111 ...": the number is a tail of a longer chain
    return !((p == '-' || (p == ' ' && !dashed)) && digitAt(s, i - 2));
  }

  private static boolean rightBoundary(String s, int end, char sep) {
    if (end >= s.length()) {
      return true;
    }
    char c = s.charAt(end);
    if (word(c)) {
      return false;
    }
    if ((c == '.' || c == sep) && digitAt(s, end + 1)) {
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- SSN

  /**
   * US Social Security numbers:
   * <ul>
   *   <li>{@code AAA-GG-SSSS} always; {@code AAA GG SSSS} and {@code AAA.GG.SSSS} when the triple stands
   *       alone (one consistent separator: {@code 693-09.4444} is not an SSN);
   *   <li>mis-separated with a single hyphen, {@code AAA-GGSSSS} and {@code AAAGG-SSSS}, always, except
   *       that {@code AAAGG-SSSS} is taken for a ZIP+4 code after a two-letter state code or "zip"/"postal";
   *   <li>the same with a single space, and nine bare digits, only after "ssn", "social sec" or "ss#" in
   *       the 40 chars before; with {@code unseparated} (option {@code ssnUnseparated}) nine bare digits
   *       need no keyword.
   * </ul>
   * Every form must pass {@link #valid}. The digits must not be glued to a word, a decimal point or a
   * longer chain of numbers.
   */
  static int ssn(String s, int i, int runEnd, boolean unseparated, Hits hits) {
    int len = runEnd - i;
    if ((len != 3 && len != 5 && len != 9) || !leftBoundary(s, i, charAt(s, runEnd, '-'))) {
      return runEnd;
    }
    if (len == 3 && runEnd + 8 <= s.length()) {
      char sep = s.charAt(runEnd);
      if (sep == '-' || sep == ' ' || sep == '.') {
        int g = runEnd + 1;
        int gEnd = digitsEnd(s, g);
        if (gEnd - g == 2 && charAt(s, gEnd, sep)) {
          int sEnd = digitsEnd(s, gEnd + 1);
          if (sEnd - gEnd - 1 == 4 && rightBoundary(s, sEnd, sep) && valid(s, i, g, gEnd + 1)) {
            hits.add(PiiType.SSN, i, sEnd);
            return sEnd;
          }
        }
      }
    }
    // nine digits with one hyphen or space (078-051121, 07805-1121) or none (078051121)
    int end;
    int g;
    int sr;
    char sep = 0;
    if (len == 9) {
      end = runEnd;
      g = i + 3;
      sr = i + 5;
    } else {
      sep = runEnd + 1 < s.length() ? s.charAt(runEnd) : 0;
      if (sep != '-' && sep != ' ') {
        return runEnd;
      }
      end = digitsEnd(s, runEnd + 1);
      if (end - runEnd - 1 != 9 - len) {
        return runEnd;
      }
      g = len == 3 ? runEnd + 1 : i + 3;
      sr = len == 3 ? runEnd + 3 : runEnd + 1;
    }
    if (!rightBoundary(s, end, '-') || !valid(s, i, g, sr)) {
      return runEnd;
    }
    boolean ok;
    if (sep == '-') {
      ok = len == 3 || !zipPlus4(s, i) || ssnContext(s, i);
    } else {
      ok = (unseparated && sep == 0) || ssnContext(s, i);
    }
    if (ok) {
      hits.add(PiiType.SSN, i, end);
      return end;
    }
    return runEnd;
  }

  private static boolean ssnContext(String s, int i) {
    int from = Math.max(0, i - 40);
    return Chars.containsIgnoreCase(s, from, i, "ssn") || Chars.containsIgnoreCase(s, from, i, "social sec")
        || Chars.containsIgnoreCase(s, from, i, "ss#");
  }

  /** {@code CA 94105-1234}, {@code zip=10001-1234}: a US ZIP+4 code, not an SSN. */
  private static boolean zipPlus4(String s, int i) {
    if (i >= 3 && s.charAt(i - 1) == ' ' && Character.isUpperCase(s.charAt(i - 2)) && Character.isUpperCase(s.charAt(i - 3))
        && (i == 3 || !Chars.alnum(s.charAt(i - 4)))) {
      return true;
    }
    int from = Math.max(0, i - 40);
    return Chars.containsIgnoreCase(s, from, i, "zip") || Chars.containsIgnoreCase(s, from, i, "postal");
  }

  /**
   * SSA validity rules: area 000, 666 and 900-999, group 00 and serial 0000 are never issued (SSA, "Social
   * Security Number Randomization", 2011). Also rejected: 078-05-1120 (the Woolworth wallet-insert number,
   * voided by the SSA in 1943), 219-09-9999 (the SSA's own 1938 pamphlet sample) and nine equal digits
   * (fillers such as 111-11-1111; Presidio rejects them too). 123-45-6789 is kept: it is the documented
   * example and a redactor loses nothing by redacting it.
   */
  private static boolean valid(String s, int area, int group, int serial) {
    int a = num(s, area, 3);
    int g = num(s, group, 2);
    int sr = num(s, serial, 4);
    if (a == 0 || a == 666 || a >= 900 || g == 0 || sr == 0) {
      return false;
    }
    if ((a == 78 && g == 5 && sr == 1120) || (a == 219 && g == 9 && sr == 9999)) {
      return false;
    }
    int d = a / 111;
    return !(a == 111 * d && g == 11 * d && sr == 1111 * d);
  }

  private static int num(String s, int at, int len) {
    int v = 0;
    for (int k = at; k < at + len; k++) {
      v = v * 10 + (s.charAt(k) - '0');
    }
    return v;
  }

  // ---------------------------------------------------------------- cards

  /**
   * Payment card numbers: 13-19 digits, contiguous or in groups of four (Amex/Diners 4-6-5 and 4-6-4)
   * separated by one consistent space or dash, a known issuer prefix with a length that issuer uses
   * (ISO/IEC 7812 IIN ranges of the major schemes) and a valid Luhn check digit (ISO/IEC 7812-1 Annex B).
   */
  static int card(String s, int i, Hits hits) {
    int n = s.length();
    int run = digitsEnd(s, i) - i;
    boolean grouped = run == 4 && i + 5 < n && (s.charAt(i + 4) == ' ' || s.charAt(i + 4) == '-') && digit(s.charAt(i + 5));
    // no "tail of a chain" check here: a card right after another number ("12 4111 1111 1111 1111") is
    // still a card; issuer prefix and Luhn keep windows of long digit sequences out
    if ((run < 13 && !grouped) || (i > 0 && (word(s.charAt(i - 1)) || s.charAt(i - 1) == '.'))) {
      return i;
    }
    // "blk_-4980916519894289629" (HDFS block ids), "id-...": a signed id glued to a word, not a card
    if (i > 1 && s.charAt(i - 1) == '-' && word(s.charAt(i - 2))) {
      return i;
    }
    if (ibanGroups(s, i)) {
      return i;
    }
    int[] ends = new int[MAX_GROUPS];
    int groups = 0;
    char sep = 0;
    int k = i;
    int digits = 0;
    while (groups < MAX_GROUPS) {
      int e = digitsEnd(s, k);
      digits += e - k;
      ends[groups++] = e;
      if (digits > 19 || e + 1 >= n) {
        break;
      }
      char c = s.charAt(e);
      if ((c == ' ' || c == '-') && (sep == 0 || c == sep) && digit(s.charAt(e + 1))) {
        sep = c;
        k = e + 1;
      } else {
        break;
      }
    }
    // try the whole chain, then shorter prefixes of it ("4111 1111 1111 1111 2025")
    for (int g = groups; g >= 1; g--) {
      int end = ends[g - 1];
      if (g == 1) {
        if (end - i >= 13 && end - i <= 19 && rightBoundary(s, end, (char) 0)
            && brandAccepts(s, i, end, end - i) && luhn(s, i, end)) {
          hits.add(PiiType.CREDIT_CARD, i, end);
          return end;
        }
      } else if (grouping(i, ends, g) && rightBoundary(s, end, g == groups ? sep : (char) 0)) {
        int count = end - i - (g - 1);
        if (count >= 13 && count <= 19 && brandAccepts(s, i, end, count) && luhn(s, i, end)) {
          hits.add(PiiType.CREDIT_CARD, i, end);
          return end;
        }
      }
    }
    return i;
  }

  /**
   * {@code RS35 2600 0560 1001 6113 79}: digits right after an IBAN's country code and check digits
   * ({@code [A-Z]{2}[0-9]{2}}, ISO 13616, printed in groups of four) belong to the account number.
   */
  private static boolean ibanGroups(String s, int i) {
    return i >= 5 && s.charAt(i - 1) == ' ' && digit(s.charAt(i - 2)) && digit(s.charAt(i - 3))
        && Character.isUpperCase(s.charAt(i - 4)) && Character.isUpperCase(s.charAt(i - 5)) && alpha(s.charAt(i - 4))
        && alpha(s.charAt(i - 5)) && (i == 5 || !Chars.alnum(s.charAt(i - 6)));
  }

  private static boolean grouping(int start, int[] ends, int g) {
    int[] len = new int[g];
    int from = start;
    for (int k = 0; k < g; k++) {
      len[k] = ends[k] - from;
      from = ends[k] + 1;
    }
    if (len[0] != 4) {
      return false;
    }
    if (g == 3 && len[1] == 6 && (len[2] == 5 || len[2] == 4)) {
      return true;
    }
    for (int k = 1; k < g - 1; k++) {
      if (len[k] != 4) {
        return false;
      }
    }
    return len[g - 1] >= 1 && len[g - 1] <= 4;
  }

  /** Issuer prefix and length check for the major schemes. */
  private static boolean brandAccepts(String s, int i, int end, int count) {
    int d1 = s.charAt(i) - '0';
    int d2 = d1 * 10 + (s.charAt(i + 1) - '0');
    int d3 = d2 * 10 + (s.charAt(i + 2) - '0');
    int d4 = d3 * 10 + (s.charAt(i + 3) - '0');
    return switch (d1) {
      case 1 -> count == 15; // UATP
      case 2 -> d4 >= 2221 && d4 <= 2720 && count == 16; // Mastercard 2-series
      case 3 -> (d2 == 34 || d2 == 37) ? count == 15 // Amex
          : ((d3 >= 300 && d3 <= 305) || d3 == 309 || d2 == 36 || d2 == 38 || d2 == 39) ? count >= 14 && count <= 19 // Diners
          : (d4 >= 3528 && d4 <= 3589) && count >= 16 && count <= 19; // JCB
      case 4 -> count == 13 || count == 16 || count == 19; // Visa
      case 5 -> (d2 >= 51 && d2 <= 55) ? count == 16 : count >= 12 && count <= 19; // Mastercard, Maestro
      case 6 -> d2 != 61 && d2 != 66 && d2 != 68 && d2 != 69 && count >= 16 && count <= 19; // Discover, UnionPay, Maestro
      default -> false;
    };
  }

  /** Luhn mod-10 over the digits of {@code s[i, end)}, skipping separators. */
  static boolean luhn(String s, int i, int end) {
    int sum = 0;
    boolean dbl = false;
    for (int k = end - 1; k >= i; k--) {
      char c = s.charAt(k);
      if (!digit(c)) {
        continue;
      }
      int d = c - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  // ---------------------------------------------------------------- IPv4

  /**
   * Private and local IPv4 addresses: 10/8, 172.16/12, 192.168/16 (RFC 1918), 127/8 loopback
   * (RFC 1122) and 169.254/16 link-local (RFC 3927).
   */
  static int ipv4(String s, int i, Hits hits) {
    if (i > 0 && (Chars.alnum(s.charAt(i - 1)) || s.charAt(i - 1) == '.')) {
      return i;
    }
    int[] o = new int[4];
    int k = i;
    for (int q = 0; q < 4; q++) {
      int e = digitsEnd(s, k);
      if (e == k || e - k > 3) {
        return i;
      }
      o[q] = num(s, k, e - k);
      if (o[q] > 255) {
        return i;
      }
      k = e;
      if (q < 3) {
        if (!charAt(s, k, '.')) {
          return i;
        }
        k++;
      }
    }
    if (k < s.length() && (Chars.alnum(s.charAt(k)) || (s.charAt(k) == '.' && digitAt(s, k + 1)))) {
      return i;
    }
    boolean internal = o[0] == 10 || o[0] == 127 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31)
        || (o[0] == 192 && o[1] == 168) || (o[0] == 169 && o[1] == 254);
    if (internal) {
      hits.add(PiiType.INTERNAL_IP, i, k);
    }
    return k;
  }

  // ---------------------------------------------------------------- phone

  /**
   * Phone numbers, conservatively: NANP {@code (415) 555-0132}, {@code 415-555-0132},
   * {@code 415.555.0132}; international {@code +CC ...} with 8-15 digits (ITU-T E.164); other
   * dash-separated numbers of 10-12 digits, or 9 with a leading trunk 0, whose last group has 4+ digits.
   * Bare digit runs are never phones (they are ids, epoch seconds, counters).
   */
  static int phone(String s, int i, Hits hits) {
    int n = s.length();
    int run = digitsEnd(s, i);
    char after = run < n ? s.charAt(run) : 0;
    char before = i > 0 ? s.charAt(i - 1) : 0;
    if (before != '+' && before != '(' && after != '-' && after != '.' && after != ' ') {
      return i;
    }
    int start = i;
    boolean plus = false;
    boolean paren = false;
    if (i > 0 && s.charAt(i - 1) == '+') {
      start = i - 1;
      plus = true;
    } else if (i > 0 && s.charAt(i - 1) == '(') {
      start = i - 1;
      paren = true;
    }
    if (start > 0 && (word(s.charAt(start - 1)) || s.charAt(start - 1) == '.')) {
      return i;
    }
    if (!plus && !paren && start > 0 && (s.charAt(start - 1) == '-') && digitAt(s, start - 2)) {
      return i;
    }
    int k = i;
    int digits = 0;
    int groups = 0;
    int[] len = new int[8];
    char sep = 0;
    boolean mixed = false;
    int end = i;
    while (k < n && groups < 8) {
      int e = digitsEnd(s, k);
      if (e == k) {
        break;
      }
      len[groups++] = e - k;
      digits += e - k;
      end = e;
      if (digits > 15) {
        return i;
      }
      // separators between groups: one of " -." optionally with a ")" before or "(" after
      int j = e;
      if (paren && groups == 1 && charAt(s, j, ')')) {
        j++;
      }
      boolean sp = false;
      if (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '-' || s.charAt(j) == '.')) {
        char c = s.charAt(j);
        if (sep != 0 && c != sep) {
          mixed = true;
        }
        if (sep == 0) {
          sep = c;
        }
        j++;
        sp = true;
      }
      if (plus && charAt(s, j, '(')) {
        int close = digitsEnd(s, j + 1);
        if (charAt(s, close, ')') && close > j + 1) {
          if (groups < len.length) {
            len[groups++] = close - j - 1;
          }
          digits += close - j - 1;
          j = close + 1;
          if (charAt(s, j, ' ')) {
            j++;
          }
        }
      }
      if ((sp || (paren && groups == 1)) && digitAt(s, j)) {
        k = j;
      } else {
        break;
      }
    }
    if (end < n && (word(s.charAt(end)) || ((s.charAt(end) == '.' || s.charAt(end) == '-') && digitAt(s, end + 1)))) {
      return i;
    }
    boolean ok;
    if (plus) {
      ok = digits >= 8 && digits <= 15 && groups >= 1;
    } else if (paren) {
      ok = digits == 10 && len[0] == 3 && groups == 3 && len[1] == 3 && len[2] == 4;
    } else if (groups == 3 && len[0] == 3 && len[1] == 3 && len[2] == 4 && !mixed) {
      ok = true;
    } else {
      ok = sep == '-' && !mixed && groups >= 2 && len[groups - 1] >= 4 && len[0] <= 4
          && (digits >= 10 && digits <= 12 || (digits == 9 && s.charAt(i) == '0'));
    }
    if (ok) {
      hits.add(PiiType.PHONE, start, end);
      return end;
    }
    return i;
  }

  // ---------------------------------------------------------------- telegram

  /** Telegram bot tokens: 8-10 digit bot id, colon, "AA" and 33 base64url chars. */
  static int telegram(String s, int i, int runEnd, Hits hits) {
    if (i > 0 && Chars.alnum(s.charAt(i - 1))) {
      return runEnd;
    }
    int t = runEnd + 1;
    if (!Chars.startsWith(s, t, "AA")) {
      return runEnd;
    }
    int e = Chars.b64urlEnd(s, t, 64);
    if (e - t == 35) {
      hits.add(PiiType.API_KEY, i, e);
      return e;
    }
    return runEnd;
  }

  static boolean letterAt(String s, int i) {
    return i >= 0 && i < s.length() && alpha(s.charAt(i));
  }
}
