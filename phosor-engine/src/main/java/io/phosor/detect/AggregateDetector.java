package io.phosor.detect;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Sigma-style correlations ({@link Rule.Aggregate}). Two ways to decide, chosen by the rule:
 * <ul>
 *   <li><b>Eager</b> (only lower bounds, on a measure that grows with events: event_count, value_count,
 *       value_sum, temporal; and temporal_ordered): the measure is taken over the sliding window
 *       (t - timespan, t] ending at each event of the group; the first event that makes it satisfy the
 *       condition fires one alert and empties the group.</li>
 *   <li><b>Windowed</b> (an upper bound, eq or neq, and always for value_avg and value_percentile): a
 *       window opens at a group's first event and closes {@code timespan} later, when the rule's time (the
 *       watermark for event time) passes its end; the measure over the whole window is then compared with
 *       the condition. The next event of the group opens the next window. A count below a bound can only
 *       be known once the window is over, which is why these rules decide late.</li>
 * </ul>
 * An input that is another rule's alerts contributes one entry per alert, at the alert's last event time,
 * with the group values read from the alert's group key. Memory per group is bounded by
 * {@link #MAX_ENTRIES} (the oldest entries are dropped and counted as evictions).
 */
final class AggregateDetector extends Detector {
  /** Most entries one group keeps. */
  static final int MAX_ENTRIES = 4096;
  private final Rule.Aggregate spec;
  private final Rule.Kind kind;
  private final long window;
  private final boolean eager;
  /** Per input: compiled match (null for alert inputs), group slots, key id, value slot. */
  private final Node[] match;
  private final int[][] slots;
  private final int[] keyIds;
  private final int[] valueSlots;
  private final String[] inputRules;
  private final int needed;

  /** One contribution: an event or an alert of an input. */
  record Entry(long t, long[] ids, int input, String value, double number) {}

  /** A group's entries (eager) or its open window (windowed). */
  static final class Group {
    final Object key;
    final ArrayDeque<Entry> entries = new ArrayDeque<>();
    long start;
    long end;
    long queuedAt = Long.MIN_VALUE;
    boolean dead;
    /** temporal_ordered: per step, the start time of the latest chain completed through it, and its ids. */
    long[] chainStart;
    long[][] chainIds;

    Group(Object key) {
      this.key = key;
    }
  }

  AggregateDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
    spec = (Rule.Aggregate) rule.spec();
    kind = spec.kind();
    window = spec.window().toMillis();
    eager = spec.eager();
    int n = spec.inputs().size();
    match = new Node[n];
    slots = new int[n][];
    keyIds = new int[n];
    valueSlots = new int[n];
    inputRules = new String[n];
    for (int i = 0; i < n; i++) {
      Rule.Input in = spec.inputs().get(i);
      if (in.match() != null) {
        match[i] = c.compile(rule.name(), in.match());
        slots[i] = in.groupFields().stream().mapToInt(c::slot).toArray();
        keyIds[i] = c.keyId(slots[i]);
        valueSlots[i] = in.valueField() == null ? -1 : c.slot(in.valueField());
      } else {
        inputRules[i] = in.rule();
        valueSlots[i] = -1;
      }
    }
    needed = n;
    if (state.extra == null) {
      state.extra = new PriorityQueue<Group>((a, b) -> Long.compare(a.queuedAt, b.queuedAt));
    }
  }

  /** The ids of rules whose alerts feed this one, by input index (null entries for event inputs). */
  String[] inputRules() {
    return inputRules;
  }

  /** Whether any input takes events. */
  boolean takesEvents() {
    for (Node m : match) {
      if (m != null) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private PriorityQueue<Group> queue() {
    return (PriorityQueue<Group>) state.extra;
  }

  @Override
  boolean hasTimers() {
    return !eager;
  }

  @Override
  void onEvent(EventView v, long t, boolean late, AlertOut out) {
    if (late || !filter.test(v)) {
      return;
    }
    boolean ordered = kind == Rule.Kind.TEMPORAL_ORDERED;
    for (int step = 0; step < match.length; step++) {
      // temporal_ordered: from the last step backwards, so one event cannot pass two steps at once
      int i = ordered ? match.length - 1 - step : step;
      if (match[i] == null || !match[i].test(v)) {
        continue;
      }
      Object key = v.groupKey(keyIds[i], slots[i]);
      if (key == null) {
        continue;
      }
      String value = null;
      double number = Double.NaN;
      if (valueSlots[i] >= 0) {
        value = v.str(valueSlots[i]);
        if (value == null) {
          continue; // value_* kinds need the field
        }
        number = number(value);
      }
      add(key, new Entry(t, new long[] {v.event.seq()}, i, value, number), out);
      if (kind != Rule.Kind.TEMPORAL && kind != Rule.Kind.TEMPORAL_ORDERED) {
        return; // an event counts once, under the first input it matches
      }
    }
  }

  /** An alert of the rule behind input {@code input}. */
  void onAlert(int input, Alert a, AlertOut out) {
    List<String> fields = spec.inputs().get(input).groupFields();
    String[] parts = new String[fields.size()];
    for (int k = 0; k < parts.length; k++) {
      parts[k] = lookup(a.groupKey(), fields.get(k));
      if (parts[k] == null) {
        return;
      }
    }
    String value = null;
    double number = Double.NaN;
    String vf = spec.inputs().get(input).valueField();
    if (vf != null) {
      value = lookup(a.groupKey(), vf);
      if (value == null) {
        return;
      }
      number = number(value);
    }
    long[] ids = a.eventIds().stream().mapToLong(Long::longValue).toArray();
    add(GroupKey.fromParts(parts), new Entry(a.lastSeen().toEpochMilli(), ids, input, value, number), out);
  }

  private static String lookup(Map<String, String> key, String field) {
    String s = key.get(field);
    if (s == null) {
      String canon = io.phosor.event.Fields.canonical(field);
      for (Map.Entry<String, String> e : key.entrySet()) {
        if (io.phosor.event.Fields.canonical(e.getKey()).equals(canon)) {
          return e.getValue();
        }
      }
    }
    return s;
  }

  private static double number(String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private void add(Object key, Entry e, AlertOut out) {
    Group g = (Group) state.groups.get(key);
    if (g == null) {
      g = new Group(key);
      state.groups.put(key, g);
    }
    if (kind == Rule.Kind.TEMPORAL_ORDERED) {
      ordered(g, e, out);
    } else if (eager) {
      eager(g, e, out);
    } else {
      windowed(g, e, out);
    }
  }

  private void push(Group g, Entry e) {
    ArrayDeque<Entry> q = g.entries;
    if (q.isEmpty() || q.peekLast().t() <= e.t()) {
      q.addLast(e);
    } else { // out of order within the tolerance: keep time order
      Entry[] all = q.toArray(Entry[]::new);
      q.clear();
      boolean placed = false;
      for (Entry x : all) {
        if (!placed && x.t() > e.t()) {
          q.addLast(e);
          placed = true;
        }
        q.addLast(x);
      }
      if (!placed) {
        q.addLast(e);
      }
    }
    if (kind == Rule.Kind.VALUE_COUNT || kind == Rule.Kind.TEMPORAL) {
      // only the latest entry per distinct value (or input) matters for a sliding distinct count
      Iterator<Entry> it = q.iterator();
      while (it.hasNext()) {
        Entry x = it.next();
        if (x != e && same(x, e) && x.t() <= e.t()) {
          it.remove();
        }
      }
    }
    while (q.size() > MAX_ENTRIES) {
      q.pollFirst();
      state.evictions.value++;
    }
  }

  private boolean same(Entry a, Entry b) {
    return kind == Rule.Kind.TEMPORAL ? a.input() == b.input() : a.value().equals(b.value());
  }

  private void eager(Group g, Entry e, AlertOut out) {
    push(g, e);
    long ref = g.entries.peekLast().t();
    while (!g.entries.isEmpty() && g.entries.peekFirst().t() <= ref - window) {
      g.entries.pollFirst();
    }
    double m = measure(g.entries);
    if (passes(m)) {
      fire(g, g.entries.peekFirst().t(), ref, ref, m, null, out);
      g.entries.clear();
    }
  }

  private void windowed(Group g, Entry e, AlertOut out) {
    if (!g.entries.isEmpty() && e.t() >= g.end) {
      close(g, out); // the event belongs to the next window
    }
    if (g.entries.isEmpty()) {
      g.start = e.t();
      g.end = e.t() + window;
      if (g.queuedAt == Long.MIN_VALUE || g.queuedAt > g.end) {
        queue().remove(g);
        g.queuedAt = g.end;
        queue().add(g);
      }
    }
    push(g, e);
  }

  private void close(Group g, AlertOut out) {
    if (g.entries.isEmpty()) {
      return;
    }
    ArrayDeque<Entry> q = g.entries;
    if (kind == Rule.Kind.VALUE_PERCENTILE) {
      Map<String, Integer> counts = new HashMap<>();
      for (Entry x : q) {
        counts.merge(x.value(), 1, Integer::sum);
      }
      String best = null;
      double bestShare = 0;
      for (Map.Entry<String, Integer> c : counts.entrySet()) {
        double share = 100.0 * c.getValue() / q.size();
        if (spec.condition().test(share) && (best == null || share < bestShare)) {
          best = c.getKey();
          bestShare = share;
        }
      }
      if (best != null) {
        fire(g, q.peekFirst().t(), q.peekLast().t(), g.end, bestShare, best, out);
      }
    } else {
      double m = measure(q);
      if (!Double.isNaN(m) && passes(m)) {
        fire(g, q.peekFirst().t(), q.peekLast().t(), g.end, m, null, out);
      }
    }
    q.clear();
  }

  private boolean passes(double m) {
    if (spec.condition() == null) {
      return m >= needed; // temporal without a condition: every input
    }
    return spec.condition().test(m);
  }

  private double measure(ArrayDeque<Entry> q) {
    switch (kind) {
      case EVENT_COUNT:
        return q.size();
      case VALUE_COUNT: {
        java.util.Set<String> d = new java.util.HashSet<>();
        for (Entry x : q) {
          d.add(x.value());
        }
        return d.size();
      }
      case TEMPORAL: {
        boolean[] seen = new boolean[needed];
        int n = 0;
        for (Entry x : q) {
          if (!seen[x.input()]) {
            seen[x.input()] = true;
            n++;
          }
        }
        return n;
      }
      case VALUE_SUM:
      case VALUE_AVG: {
        double sum = 0;
        int n = 0;
        for (Entry x : q) {
          if (!Double.isNaN(x.number())) {
            sum += x.number();
            n++;
          }
        }
        if (kind == Rule.Kind.VALUE_SUM) {
          return sum;
        }
        return n == 0 ? Double.NaN : sum / n;
      }
      default:
        throw new IllegalStateException(kind.toString());
    }
  }

  /**
   * temporal_ordered: per step k, the start of the latest chain that has passed steps 0..k in order (an
   * event of step k extends the chain through step k-1); the last step completes it when it started within
   * the timespan. Later starts are kept because they leave the most room. Events are taken in arrival order.
   */
  private void ordered(Group g, Entry e, AlertOut out) {
    int n = needed;
    if (g.chainStart == null) {
      g.chainStart = new long[n];
      g.chainIds = new long[n][];
      Arrays.fill(g.chainStart, Long.MIN_VALUE);
    }
    int k = e.input();
    long t = e.t();
    for (int j = 0; j < n; j++) {
      if (g.chainStart[j] != Long.MIN_VALUE && t - g.chainStart[j] >= window) {
        g.chainStart[j] = Long.MIN_VALUE;
        g.chainIds[j] = null;
      }
    }
    if (k == 0) {
      g.chainStart[0] = t;
      g.chainIds[0] = e.ids();
    } else if (g.chainStart[k - 1] != Long.MIN_VALUE) {
      g.chainStart[k] = g.chainStart[k - 1];
      g.chainIds[k] = concat(g.chainIds[k - 1], e.ids());
    }
    if (n > 1 && k == n - 1 && g.chainStart[k] != Long.MIN_VALUE) {
      long first = g.chainStart[k];
      long[] ids = g.chainIds[k];
      Arrays.fill(g.chainStart, Long.MIN_VALUE);
      Arrays.fill(g.chainIds, null);
      alert(out, g.key, t, first, t, ids.length, ids, ids.length, "\"" + rule.name() + "\": "
          + String.join(", then ", spec.inputs().stream().map(Rule.Input::name).toList()) + keyText(g.key)
          + " within " + seconds(window) + " s");
    }
  }

  private static long[] concat(long[] a, long[] b) {
    long[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private void fire(Group g, long first, long last, long at, double m, String value, AlertOut out) {
    int total = 0;
    for (Entry x : g.entries) {
      total += x.ids().length;
    }
    long[] ids = new long[total];
    int p = 0;
    for (Entry x : g.entries) {
      System.arraycopy(x.ids(), 0, ids, p, x.ids().length);
      p += x.ids().length;
    }
    String what = switch (kind) {
      case EVENT_COUNT -> fmt(m) + " events";
      case VALUE_COUNT -> fmt(m) + " distinct " + spec.inputs().get(0).valueField() + " values";
      case TEMPORAL -> fmt(m) + " of " + needed + " rules (" + String.join(", ",
          spec.inputs().stream().map(Rule.Input::name).toList()) + ")";
      case VALUE_SUM -> "sum of " + spec.inputs().get(0).valueField() + " " + fmt(m);
      case VALUE_AVG -> "average " + spec.inputs().get(0).valueField() + " " + fmt(m);
      case VALUE_PERCENTILE -> spec.inputs().get(0).valueField() + "=" + value + " in " + fmt(m) + " % of events";
      default -> "";
    };
    String cond = spec.condition() == null ? "" : " (" + spec.condition() + ")";
    alert(out, g.key, at, first, last, g.entries.size(), ids, total, "\"" + rule.name() + "\": " + what + cond
        + keyText(g.key) + " within " + seconds(window) + " s");
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format("%.2f", d);
  }

  @Override
  void fireDue(long now, AlertOut out) {
    PriorityQueue<Group> q = queue();
    Group g;
    while ((g = q.peek()) != null && g.queuedAt <= now) {
      q.poll();
      g.queuedAt = Long.MIN_VALUE;
      if (g.dead) {
        continue;
      }
      if (g.entries.isEmpty()) {
        state.groups.remove(g.key, g);
        continue;
      }
      if (g.end > now) {
        g.queuedAt = g.end;
        q.add(g);
        continue;
      }
      close(g, out);
      state.groups.remove(g.key, g);
    }
  }

  @Override
  void expire(long now) {
    super.expire(now);
    if (eager) {
      sweep(state.groups, o -> {
        Group g = (Group) o;
        if (kind == Rule.Kind.TEMPORAL_ORDERED) {
          long m = Long.MIN_VALUE;
          if (g.chainStart != null) {
            for (long s : g.chainStart) {
              m = Math.max(m, s);
            }
          }
          return m == Long.MIN_VALUE ? Long.MIN_VALUE : m + window;
        }
        return g.entries.isEmpty() ? Long.MIN_VALUE : g.entries.peekLast().t() + window;
      }, now);
    }
  }

  @Override
  void evicted(Object value) {
    ((Group) value).dead = true;
  }
}
