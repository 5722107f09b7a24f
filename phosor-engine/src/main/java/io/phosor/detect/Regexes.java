package io.phosor.detect;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The one gateway for regexes written by users. Compiles with RE2 semantics (RE2/J: linear time, no
 * backreferences or lookaround) and enforces a work budget: a pattern length limit and a limit on the
 * estimated size of the compiled program (RE2/J does not expose its program, so the size is estimated
 * from the syntax: one instruction per atom, repetition counts multiply, as in RE2's own compiler).
 * Also extracts a literal every match must contain, for the engine's multi-literal prefilter.
 */
final class Regexes {
  /** Longest accepted pattern: real detection regexes are well under 300 chars; Sigma's longest are ~800. */
  static final int MAX_PATTERN_CHARS = 1_000;
  /**
   * Largest accepted estimated program (instructions). RE2's default memory budget allows ~100k; a
   * thousand rules each near this limit would still compile and stay linear, so 10k per regex is generous.
   */
  static final int MAX_PROGRAM_SIZE = 10_000;
  /** Shortest literal worth a prefilter entry: one char would match nearly every event. */
  static final int MIN_LITERAL = 2;

  private Regexes() {}

  /** Compiles {@code regex} for the rule named {@code rule} or throws a {@link RuleException} saying why. */
  static Pattern compile(String rule, String where, String regex, boolean caseSensitive) {
    if (regex.length() > MAX_PATTERN_CHARS) {
      throw new RuleException(rule, where + " is " + regex.length() + " chars long, the limit is " + MAX_PATTERN_CHARS);
    }
    if ((!caseSensitive || regex.contains("(?")) && foldHazard(regex)) {
      throw new RuleException(rule, where + " contains one of U+1C80..U+1C88 (Cyrillic Extended-C), which the regex"
          + " library cannot match case-insensitively (it would never finish compiling); match them case-sensitively,"
          + " without (?i), or leave them out");
    }
    Pattern p;
    try {
      p = Pattern.compile(regex, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw new RuleException(rule, where + " is not a valid RE2 regex: " + e.getDescription()
          + (e.getPattern() == null || e.getPattern().endsWith(regex) ? "" : " at `" + e.getPattern() + "`"));
    } catch (RuntimeException e) {
      throw new RuleException(rule, where + " is not a valid RE2 regex: " + e.getMessage());
    }
    long size = estimateProgramSize(regex);
    if (size > MAX_PROGRAM_SIZE) {
      throw new RuleException(rule, where + " is too complex: estimated program size "
          + (size >= Integer.MAX_VALUE ? "> 2^31" : Long.toString(size)) + " exceeds the limit " + MAX_PROGRAM_SIZE);
    }
    return p;
  }

  /** RE2/J 1.8 never returns from folding the case of these code points (google/re2j#168, found by fuzzing). */
  static final int FOLD_HAZARD_FIRST = 0x1C80;
  static final int FOLD_HAZARD_LAST = 0x1C88;

  /**
   * Whether case-folding {@code regex} would reach U+1C80..U+1C88: as a character, in {@code \Q...\E}, as
   * a {@code \x} escape, or inside a class range (unless the range covers every folding character, which
   * RE2/J adds without folding). Conservative: a range with an escaped end counts as its code point.
   */
  static boolean foldHazard(String regex) {
    int n = regex.length();
    boolean inClass = false;
    boolean classStart = false;
    int prev = -1; // the last single character in a class, which a '-' may extend into a range
    boolean dash = false;
    int i = 0;
    while (i < n) {
      int c = regex.codePointAt(i);
      int v;
      int next;
      if (c == '\\' && i + 1 < n) {
        char e = regex.charAt(i + 1);
        if (e == 'Q') {
          int end = regex.indexOf("\\E", i + 2);
          String q = end < 0 ? regex.substring(i + 2) : regex.substring(i + 2, end);
          if (q.codePoints().anyMatch(Regexes::foldHazard)) {
            return true;
          }
          i = end < 0 ? n : end + 2;
          prev = -1;
          dash = false;
          continue;
        }
        next = i + 2;
        if (e == 'x' && next < n && regex.charAt(next) == '{') {
          int close = regex.indexOf('}', next);
          v = close < 0 ? -1 : hex(regex, next + 1, close);
          next = close < 0 ? n : close + 1;
        } else if (e == 'x') {
          v = next + 2 <= n ? hex(regex, next, next + 2) : -1;
          next = Math.min(n, next + 2);
        } else if ((e == 'p' || e == 'P') && next < n && regex.charAt(next) == '{') {
          int close = regex.indexOf('}', next);
          v = -1;
          next = close < 0 ? n : close + 1;
        } else {
          v = Character.isLetterOrDigit(e) ? -1 : e; // \d, \pL, \1 ... are not one character
        }
      } else {
        v = c;
        next = i + Character.charCount(c);
        if (!inClass && c == '[') {
          inClass = true;
          classStart = true;
          prev = -1;
          dash = false;
          i = next < n && regex.charAt(next) == '^' ? next + 1 : next;
          continue;
        }
        if (inClass && c == ']' && !classStart) {
          inClass = false;
          i = next;
          continue;
        }
        if (inClass && c == '-' && prev >= 0 && !dash) {
          dash = true;
          i = next;
          continue;
        }
      }
      classStart = false;
      if (v >= 0 && foldHazard(v)) {
        return true;
      }
      if (inClass && dash && v >= 0) {
        int lo = Math.min(prev, v);
        int hi = Math.max(prev, v);
        if (lo <= FOLD_HAZARD_LAST && hi >= FOLD_HAZARD_FIRST && !(lo <= 0x41 && hi >= 0x1E943)) {
          return true;
        }
        prev = -1;
        dash = false;
      } else if (inClass) {
        prev = v;
        dash = false;
      }
      i = next;
    }
    return false;
  }

  private static boolean foldHazard(int codePoint) {
    return codePoint >= FOLD_HAZARD_FIRST && codePoint <= FOLD_HAZARD_LAST;
  }

  /** The hexadecimal number in {@code s[from, to)}, or -1 when it is not one (or too large). */
  private static int hex(String s, int from, int to) {
    if (to <= from || to - from > 8) {
      return -1;
    }
    try {
      return Integer.parseInt(s, from, to, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Estimated RE2 program size of an already syntax-checked regex (saturates instead of overflowing). */
  static long estimateProgramSize(String regex) {
    return new Estimator(regex).alternation() + 2;
  }

  /**
   * A literal that every match of {@code regex} contains, folded ({@link Text#fold}), or null when there is
   * none worth using. Conservative: only top-level literal runs outside groups, classes and optional parts,
   * only ASCII, and no top-level alternation.
   */
  static String requiredLiteral(String regex) {
    return scanLiterals(regex, null);
  }

  /**
   * Every literal run (folded, at least {@link #MIN_LITERAL} chars) that every match of {@code regex}
   * contains: all of them must be present, so the prefilter can demand each one, not only the longest
   * ({@code \[UFW BLOCK\] .* DPT=20123 } needs both "[ufw block] " and " dpt=20123 "). Empty when none.
   */
  static java.util.List<String> requiredLiterals(String regex) {
    java.util.List<String> all = new java.util.ArrayList<>();
    scanLiterals(regex, all);
    return all;
  }

  private static String scanLiterals(String regex, java.util.List<String> all) {
    int n = regex.length();
    int depth = 0;
    boolean inClass = false;
    for (int i = 0; i < n; i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
          int e = regex.indexOf("\\E", i + 2);
          if (e < 0) {
            break;
          }
          i = e + 1;
        } else {
          i++;
        }
      } else if (inClass) {
        if (c == ']') {
          inClass = false;
        }
      } else if (c == '[') {
        inClass = true;
        if (i + 1 < n && regex.charAt(i + 1) == '^') {
          i++;
        }
        if (i + 1 < n && regex.charAt(i + 1) == ']') {
          i++;
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        return null;
      }
    }
    String best = null;
    StringBuilder run = new StringBuilder();
    int i = 0;
    while (i < n) {
      char c = regex.charAt(i);
      char lit;
      int next;
      if (c == '\\' && i + 1 < n) {
        char e = regex.charAt(i + 1);
        if (e == 'Q') {
          int end = regex.indexOf("\\E", i + 2);
          String q = end < 0 ? regex.substring(i + 2) : regex.substring(i + 2, end);
          int after = end < 0 ? n : end + 2;
          if (isQuantifier(regex, after)) {
            // the quantifier binds to the last char only
            if (q.length() > 1) {
              best = longer(best, run.append(q, 0, q.length() - 1), all);
            } else {
              best = longer(best, run, all);
            }
            run.setLength(0);
            i = skipQuantifier(regex, after);
            continue;
          }
          if (!appendAscii(run, q)) {
            best = longer(best, run, all);
            run.setLength(0);
          }
          i = after;
          continue;
        }
        if (!isAsciiPunct(e)) {
          best = longer(best, run, all);
          run.setLength(0);
          i = skipAtom(regex, i);
          i = skipQuantifier(regex, i);
          continue;
        }
        lit = e;
        next = i + 2;
      } else if (c == '(' || c == '[' || c == '.' || c == '^' || c == '$' || c >= 128 || c < 32) {
        best = longer(best, run, all);
        run.setLength(0);
        i = skipAtom(regex, i);
        i = skipQuantifier(regex, i);
        continue;
      } else if (c == '*' || c == '+' || c == '?' || c == '{' || c == ')' || c == '|') {
        // stray operator (e.g. "{" as a literal): be conservative
        best = longer(best, run, all);
        run.setLength(0);
        i++;
        continue;
      } else {
        lit = c;
        next = i + 1;
      }
      if (isQuantifier(regex, next)) {
        boolean required = regex.charAt(next) == '+' || (regex.charAt(next) == '{' && repeatMin(regex, next) > 0);
        if (required) {
          run.append(Text.foldChar(lit));
        }
        best = longer(best, run, all);
        run.setLength(0);
        i = skipQuantifier(regex, next);
      } else {
        run.append(Text.foldChar(lit));
        i = next;
      }
    }
    best = longer(best, run, all);
    return best != null && best.length() >= MIN_LITERAL ? best : null;
  }

  private static boolean appendAscii(StringBuilder run, String q) {
    for (int k = 0; k < q.length(); k++) {
      char c = q.charAt(k);
      if (c >= 128 || c < 32) {
        return false;
      }
      run.append(Text.foldChar(c));
    }
    return true;
  }

  private static String longer(String best, StringBuilder run, java.util.List<String> all) {
    if (all != null && run.length() >= MIN_LITERAL) {
      all.add(run.toString());
    }
    return run.length() > (best == null ? 0 : best.length()) ? run.toString() : best;
  }

  private static boolean isAsciiPunct(char c) {
    return c < 128 && !Character.isLetterOrDigit(c) && c > ' ';
  }

  private static boolean isQuantifier(String re, int i) {
    if (i >= re.length()) {
      return false;
    }
    char c = re.charAt(i);
    return c == '*' || c == '+' || c == '?' || (c == '{' && repeatEnd(re, i) > 0);
  }

  /** Index just past a {n}, {n,} or {n,m} starting at i, or -1 when it is not one. */
  private static int repeatEnd(String re, int i) {
    int j = i + 1;
    int digits = 0;
    while (j < re.length() && Character.isDigit(re.charAt(j))) {
      j++;
      digits++;
    }
    if (digits == 0 || j >= re.length()) {
      return -1;
    }
    if (re.charAt(j) == ',') {
      j++;
      while (j < re.length() && Character.isDigit(re.charAt(j))) {
        j++;
      }
    }
    return j < re.length() && re.charAt(j) == '}' ? j + 1 : -1;
  }

  private static int repeatMin(String re, int i) {
    int j = i + 1;
    long v = 0;
    while (j < re.length() && Character.isDigit(re.charAt(j)) && v < 100_000) {
      v = v * 10 + (re.charAt(j) - '0');
      j++;
    }
    return (int) v;
  }

  private static int skipQuantifier(String re, int i) {
    while (i < re.length()) {
      char c = re.charAt(i);
      if (c == '*' || c == '+' || c == '?') {
        i++;
      } else if (c == '{' && repeatEnd(re, i) > 0) {
        i = repeatEnd(re, i);
      } else {
        break;
      }
    }
    return i;
  }

  /** Index just past the atom at i (group, class, escape or char). */
  private static int skipAtom(String re, int i) {
    int n = re.length();
    char c = re.charAt(i);
    if (c == '\\') {
      if (i + 2 < n && (re.charAt(i + 1) == 'p' || re.charAt(i + 1) == 'P' || re.charAt(i + 1) == 'x')
          && re.charAt(i + 2) == '{') {
        int e = re.indexOf('}', i);
        return e < 0 ? n : e + 1;
      }
      if (i + 1 < n && re.charAt(i + 1) == 'x') {
        return Math.min(n, i + 4);
      }
      return Math.min(n, i + 2);
    }
    if (c == '[') {
      int j = i + 1;
      if (j < n && re.charAt(j) == '^') {
        j++;
      }
      if (j < n && re.charAt(j) == ']') {
        j++;
      }
      while (j < n && re.charAt(j) != ']') {
        if (re.charAt(j) == '\\') {
          j++;
        } else if (re.charAt(j) == '[' && j + 1 < n && re.charAt(j + 1) == ':') {
          int e = re.indexOf(":]", j + 2);
          if (e > 0) {
            j = e + 1;
          }
        }
        j++;
      }
      return Math.min(n, j + 1);
    }
    if (c == '(') {
      int depth = 0;
      int j = i;
      boolean inClass = false;
      while (j < n) {
        char d = re.charAt(j);
        if (d == '\\') {
          j += 2;
          continue;
        }
        if (inClass) {
          if (d == ']') {
            inClass = false;
          }
        } else if (d == '[') {
          inClass = true;
          if (j + 1 < n && re.charAt(j + 1) == ']') {
            j++;
          }
        } else if (d == '(') {
          depth++;
        } else if (d == ')') {
          depth--;
          if (depth == 0) {
            return j + 1;
          }
        }
        j++;
      }
      return n;
    }
    return i + 1;
  }

  /** Recursive-descent size estimate over RE2 syntax; tolerant (never throws) since RE2/J validated first. */
  private static final class Estimator {
    private static final long CAP = Integer.MAX_VALUE;
    private final String re;
    private int pos;

    Estimator(String re) {
      this.re = re;
    }

    long alternation() {
      long size = concat();
      while (pos < re.length() && re.charAt(pos) == '|') {
        pos++;
        size = sat(size + concat() + 1);
      }
      return size;
    }

    private long concat() {
      long total = 0;
      while (pos < re.length()) {
        char c = re.charAt(pos);
        if (c == '|' || c == ')') {
          break;
        }
        long atom = atom();
        total = sat(total + quantified(atom));
      }
      return total;
    }

    private long atom() {
      char c = re.charAt(pos);
      if (c == '(') {
        pos++;
        if (pos < re.length() && re.charAt(pos) == '?') {
          int j = pos + 1;
          if (j < re.length() && (re.charAt(j) == 'P' || re.charAt(j) == '<')) {
            int e = re.indexOf('>', j);
            pos = e < 0 ? re.length() : e + 1;
          } else {
            while (j < re.length() && re.charAt(j) != ':' && re.charAt(j) != ')') {
              j++;
            }
            if (j < re.length() && re.charAt(j) == ')') {
              pos = j + 1;
              return 0; // flag group, e.g. (?i)
            }
            pos = Math.min(re.length(), j + 1);
          }
        }
        long inner = alternation();
        if (pos < re.length() && re.charAt(pos) == ')') {
          pos++;
        }
        return sat(inner + 2);
      }
      if (c == '\\' && pos + 1 < re.length() && re.charAt(pos + 1) == 'Q') {
        int e = re.indexOf("\\E", pos + 2);
        int end = e < 0 ? re.length() : e;
        long len = end - (pos + 2);
        pos = e < 0 ? re.length() : e + 2;
        return Math.max(len, 0);
      }
      int next = skipAtom(re, pos);
      pos = next <= pos ? pos + 1 : next;
      return c == '[' ? 4 : 1; // a class compiles to one rune-range instruction; unicode classes cost more
    }

    private long quantified(long atom) {
      while (pos < re.length()) {
        char c = re.charAt(pos);
        if (c == '*' || c == '+' || c == '?') {
          atom = sat(atom + 1);
          pos++;
        } else if (c == '{' && repeatEnd(re, pos) > 0) {
          int end = repeatEnd(re, pos);
          String body = re.substring(pos + 1, end - 1);
          int comma = body.indexOf(',');
          long min = parse(comma < 0 ? body : body.substring(0, comma));
          long max = comma < 0 ? min : (comma == body.length() - 1 ? min + 1 : parse(body.substring(comma + 1)));
          atom = sat(atom * Math.max(1, Math.max(min, max)) + Math.max(min, max));
          pos = end;
        } else {
          break;
        }
      }
      return atom;
    }

    private static long parse(String digits) {
      long v = 0;
      for (int i = 0; i < digits.length() && v < CAP; i++) {
        v = v * 10 + (digits.charAt(i) - '0');
      }
      return Math.min(v, CAP);
    }

    private static long sat(long v) {
      return v < 0 || v > CAP ? CAP : v;
    }
  }
}
