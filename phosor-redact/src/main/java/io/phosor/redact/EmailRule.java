package io.phosor.redact;

import static io.phosor.redact.Chars.alnum;

/**
 * E-mail addresses, entered at '@': the common local-part chars {@code [A-Za-z0-9._%+-]} (a subset of
 * RFC 5321 dot-atom, so {@code user=bob@x.org} keeps its key), a DNS domain with a dot and an alphabetic
 * or punycode ({@code xn--}) TLD.
 */
final class EmailRule {
  private EmailRule() {}

  static int at(String s, int at, Hits hits) {
    int k = at - 1;
    while (k >= 0 && at - k <= 64 && local(s.charAt(k))) {
      k--;
    }
    int start = k + 1;
    while (start < at && s.charAt(start) == '.') {
      start++;
    }
    if (start == at) {
      return at + 1;
    }
    int n = s.length();
    int e = at + 1;
    int lastDot = -1;
    while (e < n && e - at <= 253 && (alnum(s.charAt(e)) || s.charAt(e) == '-' || s.charAt(e) == '.')) {
      if (s.charAt(e) == '.') {
        if (s.charAt(e - 1) == '.') {
          break;
        }
        lastDot = e;
      }
      e++;
    }
    while (e > at + 1 && (s.charAt(e - 1) == '.' || s.charAt(e - 1) == '-')) {
      e--;
    }
    if (lastDot < 0 || lastDot >= e - 1 || !alnum(s.charAt(at + 1))) {
      return at + 1;
    }
    // the TLD: two or more letters, or punycode (xn--...)
    int tld = s.lastIndexOf('.', e - 1) + 1;
    boolean ok = e - tld >= 2;
    if (!s.startsWith("xn--", tld)) {
      for (int t = tld; t < e && ok; t++) {
        ok = Chars.alpha(s.charAt(t));
      }
    }
    if (!ok) {
      return at + 1;
    }
    hits.add(PiiType.EMAIL, start, e);
    return e;
  }

  private static boolean local(char c) {
    return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }
}
