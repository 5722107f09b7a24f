package io.phosor.detect;

import io.phosor.event.Fields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns conditions into shared compiled parts: one slot per distinct (canonical) field, one leaf per
 * distinct field test, one literal id per distinct (field, required literal). Also derives each
 * condition's guard: a set of cheap facts (field equals a value, or field contains a literal) of which
 * at least one holds for every event the condition can accept; the engine indexes rules by them.
 */
final class Compiler {
  private final Map<String, Integer> slots = new LinkedHashMap<>();
  private final Map<Condition.Field, Integer> leafIds = new HashMap<>();
  private final List<Leaf> leaves = new ArrayList<>();
  /** slot -> folded literal -> literal id. */
  private final Map<Integer, Map<String, Integer>> literals = new LinkedHashMap<>();
  private int literalCount;
  /** Distinct group_by slot lists -> key id, so rules sharing a group_by share the per-event key. */
  private final Map<List<Integer>, Integer> keyIds = new HashMap<>();

  /** A guard fact: {@code slot} equals folded {@code value}, or contains literal {@code literal} (>= 0). */
  record Atom(int slot, String value, int literal) {}

  /** Checks that a rule compiles (regexes, CIDRs, numbers) without keeping anything. */
  static void check(Rule rule) {
    Compiler c = new Compiler();
    c.compile(rule.name(), rule.filter());
    switch (rule.spec()) {
      case Rule.Correlation cor -> cor.steps().forEach(s -> c.compile(rule.name(), s));
      case Rule.Absence a -> c.compile(rule.name(), a.expected());
      case Rule.Aggregate ag -> ag.inputs().stream().filter(i -> i.match() != null)
          .forEach(i -> c.compile(rule.name(), i.match()));
      default -> { }
    }
  }

  int slot(String field) {
    return slots.computeIfAbsent(Fields.canonical(field), k -> slots.size());
  }

  /** The key id of a group_by (as slots); equal lists share one id. */
  int keyId(int[] slots) {
    return keyIds.computeIfAbsent(java.util.Arrays.stream(slots).boxed().toList(), k -> keyIds.size());
  }

  /** Number of distinct key ids. */
  int keyCount() {
    return keyIds.size();
  }

  String[] slotNames() {
    return slots.keySet().toArray(String[]::new);
  }

  Leaf[] leaves() {
    return leaves.toArray(Leaf[]::new);
  }

  int literalCount() {
    return literalCount;
  }

  /** slot -> (literals, ids) for the multi-literal search. */
  Map<Integer, Map<String, Integer>> literals() {
    return literals;
  }

  /** Compiles a condition of rule {@code rule}; throws {@link RuleException} for a bad operand. */
  Node compile(String rule, Condition c) {
    return switch (c) {
      case Condition.All a -> {
        if (a.all().isEmpty()) {
          yield Node.TRUE;
        }
        if (a.all().size() == 1) {
          yield compile(rule, a.all().get(0));
        }
        yield new Node.All(a.all().stream().map(x -> compile(rule, x)).toArray(Node[]::new));
      }
      case Condition.Any a -> a.any().size() == 1 ? compile(rule, a.any().get(0))
          : new Node.Any(a.any().stream().map(x -> compile(rule, x)).toArray(Node[]::new));
      case Condition.Not n -> new Node.Not(compile(rule, n.not()));
      case Condition.Field f -> new Node.LeafRef(leaf(rule, f));
    };
  }

  private int leaf(String rule, Condition.Field f) {
    Condition.Field key = new Condition.Field(Fields.canonical(f.field()), f.op(), f.values(),
        f.caseSensitive() || !caseMatters(f.op()));
    Integer id = leafIds.get(key);
    if (id != null) {
      return id;
    }
    Leaf leaf = build(rule, key, f.field());
    String lit = requiredLiteral(key);
    if (lit != null) {
      leaf.literal = literalId(leaf.slot, lit);
      if (key.op() == Condition.Op.REGEX) {
        // The other required runs of the regex too: the one search pass finds them all at no extra cost.
        List<Integer> more = new ArrayList<>();
        for (String other : Regexes.requiredLiterals(key.values().get(0))) {
          if (!other.equals(lit) && ascii(other)) {
            more.add(literalId(leaf.slot, other));
          }
        }
        leaf.moreLiterals = more.stream().mapToInt(Integer::intValue).distinct().toArray();
      }
    }
    leaves.add(leaf);
    leafIds.put(key, leaves.size() - 1);
    return leaves.size() - 1;
  }

  private static boolean caseMatters(Condition.Op op) {
    return switch (op) {
      case EQUALS, IN, CONTAINS, STARTS_WITH, ENDS_WITH, REGEX -> true;
      default -> false;
    };
  }

  private int literalId(int slot, String lit) {
    return literals.computeIfAbsent(slot, k -> new LinkedHashMap<>()).computeIfAbsent(lit, k -> literalCount++);
  }

  private Leaf build(String rule, Condition.Field f, String written) {
    int slot = slot(f.field());
    List<String> vs = f.values();
    String what = f.op().name().toLowerCase(java.util.Locale.ROOT) + " on " + written;
    switch (f.op()) {
      case EXISTS -> {
        return new Leaf.Exists(slot, vs.isEmpty() || Boolean.parseBoolean(vs.get(0)));
      }
      case IN -> {
        Set<String> set = new HashSet<>();
        for (String v : vs) {
          set.add(f.caseSensitive() ? v : Text.fold(v));
        }
        if (set.isEmpty()) {
          throw new RuleException(rule, what + " needs at least one value");
        }
        return new Leaf.In(slot, Set.copyOf(set), f.caseSensitive());
      }
      case CIDR -> {
        if (vs.isEmpty()) {
          throw new RuleException(rule, what + " needs at least one CIDR");
        }
        IpRange[] ranges = new IpRange[vs.size()];
        for (int i = 0; i < ranges.length; i++) {
          ranges[i] = IpRange.parse(vs.get(i));
          if (ranges[i] == null) {
            throw new RuleException(rule, what + ": \"" + vs.get(i)
                + "\" is not an IPv4 or IPv6 address or CIDR block");
          }
        }
        return new Leaf.Cidr(slot, ranges);
      }
      default -> { }
    }
    if (vs.size() != 1) {
      throw new RuleException(rule, what + " needs exactly one value, had " + vs.size());
    }
    String v = vs.get(0);
    return switch (f.op()) {
      case EQUALS -> new Leaf.Equals(slot, v, f.caseSensitive());
      case CONTAINS -> new Leaf.Substring(slot, Leaf.Substring.CONTAINS, v, f.caseSensitive());
      case STARTS_WITH -> new Leaf.Substring(slot, Leaf.Substring.STARTS, v, f.caseSensitive());
      case ENDS_WITH -> new Leaf.Substring(slot, Leaf.Substring.ENDS, v, f.caseSensitive());
      case REGEX -> new Leaf.Regex(slot, Regexes.compile(rule, what, v, f.caseSensitive()));
      case GT, GTE, LT, LTE -> {
        double d = Leaf.Numeric.parseNumber(v);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new RuleException(rule, what + ": \"" + v + "\" is not a number");
        }
        yield new Leaf.Numeric(slot, f.op(), d);
      }
      default -> throw new IllegalStateException(f.op().toString());
    };
  }

  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  /** The folded ASCII literal every passing value contains, or null. */
  private static String requiredLiteral(Condition.Field f) {
    String lit = switch (f.op()) {
      case CONTAINS, STARTS_WITH, ENDS_WITH -> Text.fold(f.values().get(0));
      case REGEX -> Regexes.requiredLiteral(f.values().get(0));
      default -> null;
    };
    if (lit == null || lit.length() < Regexes.MIN_LITERAL) {
      return null;
    }
    for (int i = 0; i < lit.length(); i++) {
      if (lit.charAt(i) >= 128) {
        return null;
      }
    }
    return lit;
  }

  /**
   * Facts of which at least one holds for every event that satisfies {@code c}, or null when no such
   * cheap set exists (then the rule is evaluated on every event). Call after {@link #compile}.
   */
  List<Atom> guard(Condition c) {
    return switch (c) {
      case Condition.All a -> {
        List<Atom> best = null;
        for (Condition x : a.all()) {
          List<Atom> g = guard(x);
          if (g != null && (best == null || cost(g) < cost(best))) {
            best = g;
          }
        }
        yield best;
      }
      case Condition.Any a -> {
        if (a.any().isEmpty()) {
          yield List.of();
        }
        List<Atom> all = new ArrayList<>();
        for (Condition x : a.any()) {
          List<Atom> g = guard(x);
          if (g == null) {
            yield null;
          }
          all.addAll(g);
        }
        yield all;
      }
      case Condition.Not n -> null;
      case Condition.Field f -> {
        int slot = slot(f.field());
        yield switch (f.op()) {
          case EQUALS -> List.of(new Atom(slot, Text.fold(f.values().get(0)), -1));
          case IN -> f.values().stream().map(v -> new Atom(slot, Text.fold(v), -1)).toList();
          case CONTAINS, STARTS_WITH, ENDS_WITH, REGEX -> {
            String lit = requiredLiteral(new Condition.Field(Fields.canonical(f.field()), f.op(), f.values(), false));
            yield lit == null ? null : List.of(new Atom(slot, null, literalId(slot, lit)));
          }
          default -> null;
        };
      }
    };
  }

  /**
   * How many rules use each exact-value fact in their guard as first chosen: a value that hundreds of rules
   * test (event.category = web, the logsource of every Sigma web rule) tells little about an event.
   */
  private final Map<Atom, Integer> popularity = new HashMap<>();

  /** Counts the exact-value facts of {@code c}'s guard; call for every rule before asking for guards. */
  void notePopularity(Condition c) {
    List<Atom> g = guard(c);
    if (g != null) {
      for (Atom a : new java.util.HashSet<>(g)) {
        if (a.literal() < 0) {
          popularity.merge(a, 1, Integer::sum);
        }
      }
    }
  }

  /** A literal found by the multi-literal search (rule text is specific: most literals are rare in events). */
  static final int LITERAL_COST = 50;
  /**
   * What each further rule sharing an exact value adds to its cost: a value that many rules test (a logsource's
   * category) is common in events, so a list of several literals beats it once a handful of rules share it.
   */
  static final int SHARED_VALUE_COST = 10;

  /**
   * Roughly how often a guard makes its rule a candidate: an exact value costs one plus
   * {@link #SHARED_VALUE_COST} per other rule that tests it (a popular value is common in events, like a
   * logsource category), a literal costs {@link #LITERAL_COST}. Lower is better. Without popularity counts: exact values first, then fewer facts.
   */
  private int cost(List<Atom> g) {
    int r = 0;
    for (Atom a : g) {
      r += a.literal() >= 0 ? LITERAL_COST : 1 + SHARED_VALUE_COST * Math.max(0, popularity.getOrDefault(a, 0) - 1);
    }
    return r;
  }
}
