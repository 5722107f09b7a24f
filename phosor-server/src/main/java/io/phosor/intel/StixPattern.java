package io.phosor.intel;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of the STIX 2.1 patterning language (OASIS STIX 2.1, section 9) that names addresses: one or more
 * comparisons {@code ipv4-addr:value = '198.51.100.1'} / {@code ipv6-addr:value = '2001:db8::/32'} (or
 * {@code ISSUBSET}), joined by {@code OR}, inside observation expressions {@code [ ... ]} that may themselves be
 * joined by {@code OR} and grouped by parentheses. Every match of such a pattern is a match of one of its
 * addresses, so it is exactly an address list. Anything else ({@code AND}, {@code FOLLOWEDBY}, qualifiers such
 * as {@code WITHIN}, other object types or properties, other operators) is not an address list: the whole
 * pattern is refused rather than partly used.
 */
final class StixPattern {
  /** Longest pattern read; real address patterns are far shorter. */
  static final int MAX_PATTERN = 64 * 1024;

  private final String s;
  private int pos;
  private final List<Ip.Block> out = new ArrayList<>();

  private StixPattern(String s) {
    this.s = s;
  }

  /** The address blocks the pattern names, or null when it is not (only) an address list. */
  static List<Ip.Block> addresses(String pattern) {
    if (pattern == null || pattern.isBlank() || pattern.length() > MAX_PATTERN) {
      return null;
    }
    StixPattern p = new StixPattern(pattern);
    try {
      p.expression(false);
      p.skipSpace();
      if (p.pos != p.s.length() || p.out.isEmpty()) {
        return null;
      }
    } catch (IllegalStateException e) {
      return null;
    }
    return List.copyOf(p.out);
  }

  private void expression(boolean inBracket) {
    term(inBracket);
    while (true) {
      skipSpace();
      if (s.startsWith("OR", pos) && boundary(pos + 2)) {
        pos += 2;
        term(inBracket);
      } else {
        return;
      }
    }
  }

  private void term(boolean inBracket) {
    skipSpace();
    if (pos >= s.length()) {
      throw new IllegalStateException("end");
    }
    char c = s.charAt(pos);
    if (c == '[') {
      if (inBracket) {
        throw new IllegalStateException("nested [");
      }
      pos++;
      expression(true);
      expect(']');
    } else if (c == '(') {
      pos++;
      expression(inBracket);
      expect(')');
    } else if (inBracket) {
      comparison();
    } else {
      throw new IllegalStateException("comparison outside [ ]");
    }
  }

  private void comparison() {
    int start = pos;
    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || "-_:.".indexOf(s.charAt(pos)) >= 0)) {
      pos++;
    }
    String path = s.substring(start, pos);
    boolean v6;
    if (path.equals("ipv4-addr:value")) {
      v6 = false;
    } else if (path.equals("ipv6-addr:value")) {
      v6 = true;
    } else {
      throw new IllegalStateException("not an address");
    }
    skipSpace();
    if (s.startsWith("=", pos)) {
      pos++;
    } else if (s.startsWith("ISSUBSET", pos) && boundary(pos + 8)) {
      pos += 8;
    } else {
      throw new IllegalStateException("operator");
    }
    skipSpace();
    String literal = string();
    Ip.Block b = Ip.parseBlock(literal);
    if (b == null || b.v6() != v6 && !(v6 && !b.v6() && literal.contains(":"))) {
      throw new IllegalStateException("literal");
    }
    out.add(b);
  }

  private String string() {
    if (pos >= s.length() || s.charAt(pos) != '\'') {
      throw new IllegalStateException("string");
    }
    pos++;
    StringBuilder b = new StringBuilder();
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '\\' && pos < s.length()) {
        b.append(s.charAt(pos++));
      } else if (c == '\'') {
        return b.toString();
      } else {
        b.append(c);
      }
    }
    throw new IllegalStateException("unterminated string");
  }

  private void expect(char c) {
    skipSpace();
    if (pos >= s.length() || s.charAt(pos) != c) {
      throw new IllegalStateException("expected " + c);
    }
    pos++;
  }

  private boolean boundary(int at) {
    return at >= s.length() || !Character.isLetterOrDigit(s.charAt(at));
  }

  private void skipSpace() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }
}
