package io.phosor.redact;

/** Allocation-free character tests and bounded lookups shared by the scanners. */
final class Chars {
  private Chars() {}

  static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean alnum(char c) {
    return digit(c) || alpha(c);
  }

  static boolean word(char c) {
    return alnum(c) || c == '_';
  }

  static boolean hex(char c) {
    return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Base64url alphabet (RFC 4648 section 5), as used in JWTs and most API tokens. */
  static boolean b64url(char c) {
    return alnum(c) || c == '-' || c == '_';
  }

  static boolean space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  static boolean digitAt(String s, int i) {
    return i >= 0 && i < s.length() && digit(s.charAt(i));
  }

  static boolean charAt(String s, int i, char c) {
    return i >= 0 && i < s.length() && s.charAt(i) == c;
  }

  /** End of the run of digits starting at {@code i}. */
  static int digitsEnd(String s, int i) {
    int n = s.length();
    while (i < n && digit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** End of the run of base64url chars starting at {@code i}, looking at most {@code max} chars. */
  static int b64urlEnd(String s, int i, int max) {
    int limit = Math.min(s.length(), i + max);
    while (i < limit && b64url(s.charAt(i))) {
      i++;
    }
    return i;
  }

  static boolean startsWith(String s, int i, String prefix) {
    return s.startsWith(prefix, i);
  }

  static boolean startsWithIgnoreCase(String s, int i, String prefix) {
    return s.regionMatches(true, i, prefix, 0, prefix.length());
  }

  /** True when {@code needle} (lower case) occurs in {@code s[from, to)} ignoring case. */
  static boolean containsIgnoreCase(String s, int from, int to, String needle) {
    int last = to - needle.length();
    for (int i = Math.max(0, from); i <= last; i++) {
      if (s.regionMatches(true, i, needle, 0, needle.length())) {
        return true;
      }
    }
    return false;
  }
}
