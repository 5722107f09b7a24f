package io.phosor.detect;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.Collection;
import java.util.Set;

/**
 * One compiled field test. Identical tests of different rules share one leaf, so each is evaluated once
 * per event. A multi-valued field (a list) passes when some element passes. A missing field fails every
 * test but {@code exists: false}.
 */
abstract class Leaf {
  final int slot;
  /** Literal every passing value contains (prefilter), or -1. Set by the compiler. */
  int literal = -1;
  /** Further literals every passing value contains (all must be found), set by the compiler for regexes. */
  int[] moreLiterals = NONE;
  private static final int[] NONE = new int[0];

  Leaf(int slot) {
    this.slot = slot;
  }

  boolean test(EventView v) {
    Object o = v.raw(slot);
    if (o == null) {
      return missing();
    }
    if (literal >= 0 && !v.literalFound(literal)) {
      return false;
    }
    for (int l : moreLiterals) {
      if (!v.literalFound(l)) {
        return false;
      }
    }
    if (o instanceof Collection<?> c) {
      for (Object e : c) {
        if (e != null) {
          String s = e.toString();
          if (testString(v, s, null)) {
            return true;
          }
        }
      }
      return false;
    }
    return testScalar(v);
  }

  boolean missing() {
    return false;
  }

  /** Tests the scalar value of the slot (caches available). */
  boolean testScalar(EventView v) {
    return testString(v, v.str(slot), null);
  }

  /** Tests one string; {@code folded} may be null when the test does not need it. */
  abstract boolean testString(EventView v, String s, String folded);

  static final class Equals extends Leaf {
    private final String value;
    private final boolean cs;

    Equals(int slot, String value, boolean cs) {
      super(slot);
      this.cs = cs;
      this.value = cs ? value : Text.fold(value);
    }

    @Override
    boolean testString(EventView v, String s, String folded) {
      return cs ? value.equals(s) : Text.equalsFolded(s, value);
    }
  }

  static final class In extends Leaf {
    private final Set<String> values;
    private final boolean cs;

    In(int slot, Set<String> values, boolean cs) {
      super(slot);
      this.values = values;
      this.cs = cs;
    }

    @Override
    boolean testScalar(EventView v) {
      return values.contains(cs ? v.str(slot) : v.folded(slot));
    }

    @Override
    boolean testString(EventView v, String s, String folded) {
      return values.contains(cs ? s : Text.fold(s));
    }
  }

  /** contains / starts_with / ends_with. */
  static final class Substring extends Leaf {
    static final int CONTAINS = 0;
    static final int STARTS = 1;
    static final int ENDS = 2;
    private final String value;
    private final boolean cs;
    private final int kind;

    Substring(int slot, int kind, String value, boolean cs) {
      super(slot);
      this.kind = kind;
      this.cs = cs;
      this.value = cs ? value : Text.fold(value);
    }

    @Override
    boolean testScalar(EventView v) {
      if (!cs && kind == CONTAINS && literal >= 0) {
        return true; // the prefilter searched exactly this folded literal in this value and found it
      }
      return testString(v, v.str(slot), null);
    }

    @Override
    boolean testString(EventView v, String s, String folded) {
      if (cs) {
        return switch (kind) {
          case STARTS -> s.startsWith(value);
          case ENDS -> s.endsWith(value);
          default -> s.contains(value);
        };
      }
      return switch (kind) {
        case STARTS -> Text.startsWithFolded(s, value);
        case ENDS -> Text.endsWithFolded(s, value);
        default -> Text.containsFolded(s, value);
      };
    }
  }

  /** RE2 search (unanchored, like Python's re.search): a match anywhere in the value passes. */
  static final class Regex extends Leaf {
    private final Matcher matcher;

    Regex(int slot, Pattern pattern) {
      super(slot);
      this.matcher = pattern.matcher("");
    }

    @Override
    boolean testString(EventView v, String s, String folded) {
      return matcher.reset(s).find();
    }
  }

  static final class Cidr extends Leaf {
    private final IpRange[] ranges;

    Cidr(int slot, IpRange[] ranges) {
      super(slot);
      this.ranges = ranges;
    }

    private final long[] scratch = new long[2];

    @Override
    boolean testScalar(EventView v) {
      return v.address(slot, scratch) != 0 && in(scratch);
    }

    @Override
    boolean testString(EventView v, String s, String folded) {
      long[] a = v.addr;
      return IpRange.parseAddress(s, a) != 0 && in(a);
    }

    private boolean in(long[] a) {
      for (IpRange r : ranges) {
        if (r.contains(a[0], a[1])) {
          return true;
        }
      }
      return false;
    }
  }

  static final class Exists extends Leaf {
    private final boolean expected;

    Exists(int slot, boolean expected) {
      super(slot);
      this.expected = expected;
    }

    @Override
    boolean test(EventView v) {
      Object o = v.raw(slot);
      return (o != null) == expected;
    }

    @Override
    boolean testString(EventView v, String s, String folded) {
      return true;
    }
  }

  /** gt / gte / lt / lte on numbers; a value that is not a number fails. */
  static final class Numeric extends Leaf {
    private final Condition.Op op;
    private final double operand;

    Numeric(int slot, Condition.Op op, double operand) {
      super(slot);
      this.op = op;
      this.operand = operand;
    }

    @Override
    boolean testScalar(EventView v) {
      Object o = v.raw(slot);
      if (o instanceof Number n) {
        return compare(n.doubleValue());
      }
      return testString(v, v.str(slot), null);
    }

    @Override
    boolean testString(EventView v, String s, String folded) {
      double d = parseNumber(s);
      return !Double.isNaN(d) && compare(d);
    }

    private boolean compare(double d) {
      return switch (op) {
        case GT -> d > operand;
        case GTE -> d >= operand;
        case LT -> d < operand;
        default -> d <= operand;
      };
    }

    /** Parses a decimal number without throwing on ordinary text; NaN when it is not one. */
    static double parseNumber(String s) {
      String t = s.trim();
      int n = t.length();
      if (n == 0 || n > 64) {
        return Double.NaN;
      }
      for (int i = 0; i < n; i++) {
        char c = t.charAt(i);
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
          return Double.NaN;
        }
      }
      try {
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
  }
}
