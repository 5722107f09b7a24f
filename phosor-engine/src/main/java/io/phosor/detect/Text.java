package io.phosor.detect;

/**
 * Case folding for case-insensitive tests, the equals index and the literal prefilter. Folding a code
 * point is {@code toLowerCase(toUpperCase(c))}, the comparison {@link String#equalsIgnoreCase} makes, so
 * two strings are equal ignoring case exactly when their folded forms are equal.
 */
final class Text {
  private Text() {}

  /** Folds one char (ASCII fast path; surrogates are left as they are). */
  static char foldChar(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  /** Folds a string; returns the same instance when nothing changes (the common case: no allocation). */
  static String fold(String s) {
    int n = s.length();
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 128 || (c >= 'A' && c <= 'Z')) {
        break;
      }
    }
    if (i == n) {
      return s;
    }
    StringBuilder b = new StringBuilder(n).append(s, 0, i);
    while (i < n) {
      int cp = s.codePointAt(i);
      b.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp)));
      i += Character.charCount(cp);
    }
    String f = b.toString();
    return f.equals(s) ? s : f;
  }
}
