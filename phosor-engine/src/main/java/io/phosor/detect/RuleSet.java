package io.phosor.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A compiled, immutable rule set plus its per-event scratch view. Dispatch, per event:
 * <ol>
 *   <li>the "always" rules (no cheap guard) are candidates;</li>
 *   <li>for each field that some rule's guard tests for equality, the event's folded value is looked up
 *       in a hash map (field value -> rules) - one lookup per field, not per rule;</li>
 *   <li>for each field with required literals (from contains/starts_with/ends_with and from regexes), one
 *       Aho-Corasick pass over the value finds all literals at once; rules guarded by a found literal
 *       become candidates, and regex/substring leaves whose literal is absent fail without running;</li>
 *   <li>candidates run in rule order; their conditions share one leaf cache, so a test that 100 rules
 *       share is evaluated once.</li>
 * </ol>
 */
final class RuleSet {
  final List<Rule> rules;
  final Detector[] detectors;
  final Detector[] timed;
  final EventView view;
  private final int words;
  private final long[] always;
  private final long[] candidates;
  private final int[] eqSlots;
  private final HashMap<String, int[]>[] eqMaps;
  private final int[] litSlots;
  private final LiteralSearch[] searches;
  private final int[][] litRules;

  @SuppressWarnings("unchecked")
  RuleSet(List<Rule> rules, Function<Rule, Detector.State> states, EngineConfig config) {
    this.rules = List.copyOf(rules);
    Compiler c = new Compiler();
    List<Detector> ds = new ArrayList<>();
    java.util.Set<String> needed = referenced(rules);
    for (Rule r : rules) {
      if (r.enabled() || needed.contains(r.id())) {
        Detector d = create(r, c, states.apply(r), config);
        d.silent = !r.enabled();
        ds.add(d);
      }
    }
    wire(ds);
    detectors = ds.toArray(Detector[]::new);
    timed = ds.stream().filter(Detector::hasTimers).toArray(Detector[]::new);
    words = (detectors.length + 63) >>> 6;
    always = new long[Math.max(words, 1)];
    candidates = new long[Math.max(words, 1)];
    Map<Integer, Map<String, List<Integer>>> eq = new HashMap<>();
    Map<Integer, List<Integer>> lit = new HashMap<>();
    for (Detector d : detectors) {
      c.notePopularity(guardCondition(d.rule));
    }
    for (int i = 0; i < detectors.length; i++) {
      List<Compiler.Atom> g = c.guard(guardCondition(detectors[i].rule));
      if (g == null) {
        always[i >>> 6] |= 1L << i;
        continue;
      }
      for (Compiler.Atom a : g) {
        if (a.literal() >= 0) {
          lit.computeIfAbsent(a.literal(), k -> new ArrayList<>()).add(i);
        } else {
          eq.computeIfAbsent(a.slot(), k -> new HashMap<>()).computeIfAbsent(a.value(), k -> new ArrayList<>()).add(i);
        }
      }
    }
    eqSlots = eq.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    eqMaps = new HashMap[eqSlots.length];
    for (int k = 0; k < eqSlots.length; k++) {
      HashMap<String, int[]> m = new HashMap<>();
      eq.get(eqSlots[k]).forEach((v, l) -> m.put(v, l.stream().mapToInt(Integer::intValue).distinct().toArray()));
      eqMaps[k] = m;
    }
    Map<Integer, Map<String, Integer>> literals = c.literals();
    litSlots = literals.keySet().stream().mapToInt(Integer::intValue).toArray();
    searches = new LiteralSearch[litSlots.length];
    for (int k = 0; k < litSlots.length; k++) {
      Map<String, Integer> m = literals.get(litSlots[k]);
      searches[k] = new LiteralSearch(new ArrayList<>(m.keySet()), m.values().stream().mapToInt(Integer::intValue).toArray());
    }
    litRules = new int[c.literalCount()][];
    lit.forEach((id, l) -> litRules[id] = l.stream().mapToInt(Integer::intValue).distinct().toArray());
    view = new EventView(c.slotNames(), c.leaves(), c.literalCount(), c.keyCount());
  }

  /**
   * Ids of the rules that must run because an enabled correlation takes their alerts, directly or through
   * other correlations. Rejects reference cycles.
   */
  private static java.util.Set<String> referenced(List<Rule> rules) {
    Map<String, Rule> byId = new HashMap<>();
    rules.forEach(r -> byId.put(r.id(), r));
    java.util.Set<String> needed = new java.util.HashSet<>();
    java.util.ArrayDeque<Rule> todo = new java.util.ArrayDeque<>();
    rules.stream().filter(Rule::enabled).forEach(todo::add);
    while (!todo.isEmpty()) {
      Rule r = todo.poll();
      if (r.spec() instanceof Rule.Aggregate a) {
        for (Rule.Input in : a.inputs()) {
          Rule ref = in.rule() == null ? null : byId.get(in.rule());
          if (ref != null && needed.add(ref.id())) {
            todo.add(ref);
          }
        }
      }
    }
    for (Rule r : rules) {
      cycle(r, byId, new java.util.ArrayList<>());
    }
    return needed;
  }

  private static void cycle(Rule r, Map<String, Rule> byId, List<String> path) {
    if (path.contains(r.id())) {
      throw new RuleException(r.name(), "correlation references form a cycle: " + String.join(" -> ", path) + " -> "
          + r.id());
    }
    if (r.spec() instanceof Rule.Aggregate a) {
      path.add(r.id());
      for (Rule.Input in : a.inputs()) {
        Rule ref = in.rule() == null ? null : byId.get(in.rule());
        if (ref != null) {
          cycle(ref, byId, path);
        }
      }
      path.remove(path.size() - 1);
    }
  }

  /** Tells each running rule which correlations take its alerts. A reference to a rule not loaded feeds nothing. */
  private static void wire(List<Detector> ds) {
    Map<String, Detector> byId = new HashMap<>();
    ds.forEach(d -> byId.put(d.rule.id(), d));
    for (Detector d : ds) {
      if (d instanceof AggregateDetector a) {
        String[] refs = a.inputRules();
        for (int i = 0; i < refs.length; i++) {
          Detector src = refs[i] == null ? null : byId.get(refs[i]);
          if (src != null) {
            List<Detector.Consumer> l = new ArrayList<>(src.consumers);
            l.add(new Detector.Consumer(a, i));
            src.consumers = List.copyOf(l);
          }
        }
      }
    }
  }

  private static Condition guardCondition(Rule r) {
    return switch (r.spec()) {
      case Rule.Aggregate a -> new Condition.All(List.of(r.filter(), new Condition.Any(a.inputs().stream()
          .filter(i -> i.match() != null).map(Rule.Input::match).toList())));
      case Rule.Correlation cor -> new Condition.All(List.of(r.filter(), new Condition.Any(cor.steps())));
      case Rule.Absence a -> new Condition.Any(List.of(r.filter(), a.expected()));
      default -> r.filter();
    };
  }

  private static Detector create(Rule r, Compiler c, Detector.State s, EngineConfig config) {
    return switch (r.spec()) {
      case Rule.Pattern p -> new PatternDetector(r, c, s, config);
      case Rule.Threshold t -> new ThresholdDetector(r, c, s, config);
      case Rule.Correlation cor -> new CorrelationDetector(r, c, s, config);
      case Rule.ValueCount v -> new ValueCountDetector(r, c, s, config);
      case Rule.Absence a -> new AbsenceDetector(r, c, s, config);
      case Rule.NewValue n -> new NewValueDetector(r, c, s, config);
      case Rule.TimeOfDay t -> new TimeOfDayDetector(r, c, s, config);
      case Rule.Aggregate a -> new AggregateDetector(r, c, s, config);
    };
  }

  /** Runs the candidate rules over the event already loaded into {@link #view}. */
  void run(long eventTime, long ingestTime, boolean late, AlertOut out) {
    EventView v = view;
    long[] cand = candidates;
    System.arraycopy(always, 0, cand, 0, cand.length);
    for (int k = 0; k < eqSlots.length; k++) {
      Object o = v.raw(eqSlots[k]);
      if (o == null) {
        continue;
      }
      if (o instanceof java.util.Collection<?> col) {
        for (Object e : col) {
          if (e != null) {
            mark(cand, eqMaps[k].get(Text.fold(e.toString())));
          }
        }
      } else {
        mark(cand, eqMaps[k].get(v.folded(eqSlots[k])));
      }
    }
    int hits = 0;
    for (int k = 0; k < litSlots.length; k++) {
      Object o = v.raw(litSlots[k]);
      if (o == null) {
        continue;
      }
      if (o instanceof java.util.Collection<?> col) {
        for (Object e : col) {
          if (e != null) {
            hits = searches[k].search(e.toString(), v.litFound, v.stamp, v.litHits, hits);
          }
        }
      } else {
        hits = searches[k].search(v.str(litSlots[k]), v.litFound, v.stamp, v.litHits, hits);
      }
    }
    for (int h = 0; h < hits; h++) {
      mark(cand, litRules[v.litHits[h]]);
    }
    Detector[] ds = detectors;
    for (int w = 0; w < words; w++) {
      long bits = cand[w];
      while (bits != 0) {
        int i = (w << 6) + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
        Detector d = ds[i];
        if (d.eventTime) {
          d.onEvent(v, eventTime, late, out);
        } else {
          d.onEvent(v, ingestTime, false, out);
        }
      }
    }
  }

  private static void mark(long[] cand, int[] rules) {
    if (rules != null) {
      for (int r : rules) {
        cand[r >>> 6] |= 1L << r;
      }
    }
  }

  /** How many rules are evaluated on every event (no guard): for tests and tuning. */
  int alwaysCount() {
    int n = 0;
    for (long w : always) {
      n += Long.bitCount(w);
    }
    return n;
  }
}
