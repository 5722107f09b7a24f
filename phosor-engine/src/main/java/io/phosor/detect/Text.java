package io.phosor.detect;

/**
 * Case folding for case-insensitive tests, the equals index and the literal prefilter. Folding a char is
 * {@code toLowerCase(toUpperCase(c))}, the per-char comparison {@link String#equalsIgnoreCase} makes; it
 * is done char by char (length-preserving), the same way everywhere, so the index, the prefilter and the
 * tests always agree.
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

  /** Folds a string char by char; returns the same instance when nothing changes (the common case: no allocation). */
  static String fold(String s) {
    int n = s.length();
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (foldChar(c) != c) {
        break;
      }
    }
    if (i == n) {
      return s;
    }
    char[] out = new char[n];
    s.getChars(0, i, out, 0);
    for (; i < n; i++) {
      out[i] = foldChar(s.charAt(i));
    }
    return new String(out);
  }

  /** Whether {@code s} folded equals {@code folded} (already folded), without allocating. */
  static boolean equalsFolded(String s, String folded) {
    return s.length() == folded.length() && regionFolded(s, 0, folded);
  }

  /** Whether {@code s} folded starts with {@code folded}. */
  static boolean startsWithFolded(String s, String folded) {
    return s.length() >= folded.length() && regionFolded(s, 0, folded);
  }

  /** Whether {@code s} folded ends with {@code folded}. */
  static boolean endsWithFolded(String s, String folded) {
    return s.length() >= folded.length() && regionFolded(s, s.length() - folded.length(), folded);
  }

  /** Whether {@code s} folded contains {@code folded}. */
  static boolean containsFolded(String s, String folded) {
    int m = folded.length();
    if (m == 0) {
      return true;
    }
    char first = folded.charAt(0);
    for (int i = 0, last = s.length() - m; i <= last; i++) {
      if (foldChar(s.charAt(i)) == first && regionFolded(s, i, folded)) {
        return true;
      }
    }
    return false;
  }

  private static boolean regionFolded(String s, int off, String folded) {
    for (int j = 0, m = folded.length(); j < m; j++) {
      if (foldChar(s.charAt(off + j)) != folded.charAt(j)) {
        return false;
      }
    }
    return true;
  }
}
