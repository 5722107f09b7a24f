package io.phosor.detect;

import java.util.Arrays;

/**
 * correlation. Unordered: per group, the latest time (and id) of each step; the event that makes every
 * step present with {@code t - oldest < within} fires and clears the group (memory: two longs per step).
 * Ordered, on the rule's time: per group the step events since the last completion ({@link Pending});
 * an event matching the last step at {@code t} is anchored at the latest step-1 event at or before
 * {@code t} (in event time, so an out-of-order event within the tolerance counts as if it had arrived in
 * time order; ties in arrival order), needs steps 2..n-1 in order between the anchor and itself, completes
 * if {@code t - anchor < within}, and always clears the group's pending events. An event matching several
 * steps is applied from the last step backwards (it can complete a chain and then start a new one).
 */
final class CorrelationDetector extends Detector {
  private final Node[] steps;
  private final boolean ordered;
  private final long within;
  private final boolean[] matched;
  private final int[] chainIdx;
  private final long tolerance;

  /** Per-group state of an unordered correlation: times (Long.MIN_VALUE = none) and ids per step. */
  static final class Chain {
    final long[] at;
    final long[] ids;

    Chain(int steps) {
      at = new long[steps];
      ids = new long[steps];
      Arrays.fill(at, Long.MIN_VALUE);
    }

    void clear() {
      Arrays.fill(at, Long.MIN_VALUE);
    }

    long newest() {
      long m = Long.MIN_VALUE;
      for (long a : at) {
        m = Math.max(m, a);
      }
      return m;
    }
  }

  CorrelationDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
    Rule.Correlation spec = (Rule.Correlation) rule.spec();
    steps = spec.steps().stream().map(s -> c.compile(rule.name(), s)).toArray(Node[]::new);
    ordered = spec.ordered();
    within = spec.within().toMillis();
    matched = new boolean[steps.length];
    chainIdx = new int[steps.length];
    tolerance = eventTime ? config.lateTolerance().toMillis() : 0;
  }

  @Override
  void onEvent(EventView v, long t, boolean late, AlertOut out) {
    if (late || !filter.test(v)) {
      return;
    }
    boolean any = false;
    for (int i = 0; i < steps.length; i++) {
      matched[i] = steps[i].test(v);
      any |= matched[i];
    }
    if (!any) {
      return;
    }
    Object key = v.groupKey(keyId, groupSlots);
    if (key == null) {
      return;
    }
    long seq = v.event.seq();
    if (ordered) {
      Pending p = (Pending) state.groups.get(key);
      if (p == null) {
        if (matched[steps.length - 1] && !anyEarlierStep()) {
          return; // nothing pending and nothing to keep
        }
        p = new Pending();
        state.groups.put(key, p);
      }
      ordered(p, key, t, seq, out);
      return;
    }
    Chain ch = (Chain) state.groups.get(key);
    if (ch == null) {
      ch = new Chain(steps.length);
      state.groups.put(key, ch);
    }
    unordered(ch, key, t, seq, out);
  }

  private boolean anyEarlierStep() {
    for (int j = 0; j < steps.length - 1; j++) {
      if (matched[j]) {
        return true;
      }
    }
    return false;
  }

  private void unordered(Chain ch, Object key, long t, long seq, AlertOut out) {
    for (int i = 0; i < steps.length; i++) {
      if (matched[i] && t >= ch.at[i]) {
        ch.at[i] = t;
        ch.ids[i] = seq;
      }
    }
    long ref = ch.newest();
    long oldest = Long.MAX_VALUE;
    for (int i = 0; i < steps.length; i++) {
      if (ch.at[i] != Long.MIN_VALUE && ref - ch.at[i] >= within) {
        ch.at[i] = Long.MIN_VALUE; // too old to pair with anything from now on
      }
      oldest = Math.min(oldest, ch.at[i]);
    }
    if (oldest == Long.MIN_VALUE) {
      return;
    }
    fire(ch, key, oldest, ref, out, "in any order");
  }

  /**
   * Ordered chains on event time: the events of the group that matched a step other than the last, since
   * the group's last completion, in arrival order. An out-of-order event within the late tolerance is so
   * placed as if it had arrived in event-time order (ties: in arrival order). Bounded: entries that no
   * future completion can use are dropped (older than {@code newest - tolerance - within}, or before the
   * latest step-1 event that is already behind the group's watermark), and at most
   * {@link #MAX_PENDING} are kept (the oldest arrivals go first).
   */
  static final class Pending {
    long[] at = new long[4];
    long[] ids = new long[4];
    /** Bit k: the event matched step k (never the last step). */
    int[] mask = new int[4];
    int size;
    long newest = Long.MIN_VALUE;

    long latest() {
      long m = Long.MIN_VALUE;
      for (int i = 0; i < size; i++) {
        m = Math.max(m, at[i]);
      }
      return m;
    }

    void add(long t, long id, int m) {
      if (size == at.length) {
        if (size >= MAX_PENDING) {
          removeFirst();
        } else {
          int n = size * 2;
          at = Arrays.copyOf(at, n);
          ids = Arrays.copyOf(ids, n);
          mask = Arrays.copyOf(mask, n);
        }
      }
      at[size] = t;
      ids[size] = id;
      mask[size] = m;
      size++;
    }

    private void removeFirst() {
      System.arraycopy(at, 1, at, 0, size - 1);
      System.arraycopy(ids, 1, ids, 0, size - 1);
      System.arraycopy(mask, 1, mask, 0, size - 1);
      size--;
    }

    /** Drops entries no completion at or after {@code wm} (a lower bound of the watermark) can use. */
    void prune(long wm, long within) {
      int d = -1; // the latest step-1 entry at or before wm: every future anchor is at or after it
      for (int i = 0; i < size; i++) {
        if ((mask[i] & 1) != 0 && at[i] <= wm && (d < 0 || at[i] >= at[d])) {
          d = i;
        }
      }
      long dAt = d < 0 ? Long.MIN_VALUE : at[d];
      int w = 0;
      for (int i = 0; i < size; i++) {
        boolean before = d >= 0 && (at[i] < dAt || (at[i] == dAt && i < d));
        if (!before && wm - at[i] < within) {
          at[w] = at[i];
          ids[w] = ids[i];
          mask[w] = mask[i];
          w++;
        }
      }
      size = w;
    }
  }

  /** Most pending step events kept per group of an ordered correlation. */
  static final int MAX_PENDING = 1024;

  private void ordered(Pending p, Object key, long t, long seq, AlertOut out) {
    int last = steps.length - 1;
    p.newest = Math.max(p.newest, t);
    if (matched[last]) {
      complete(p, key, t, seq, out);
      p.size = 0; // always: one alert per completion, earlier steps consumed
    }
    int m = 0;
    for (int j = 0; j < last; j++) {
      if (matched[j]) {
        m |= 1 << j;
      }
    }
    if (m != 0) {
      p.add(t, seq, m);
      p.prune(p.newest - tolerance, within);
    }
  }

  /** The latest step 1 at or before t anchors; steps 2..n-1 must lie in order between it and t. */
  private void complete(Pending p, Object key, long t, long seq, AlertOut out) {
    int last = steps.length - 1;
    int a = -1;
    for (int i = 0; i < p.size; i++) {
      if ((p.mask[i] & 1) != 0 && p.at[i] <= t && (a < 0 || p.at[i] >= p.at[a])) {
        a = i;
      }
    }
    if (a < 0 || t - p.at[a] >= within) {
      return;
    }
    long upAt = t;
    int upIdx = p.size; // the completing event arrives after every entry
    for (int k = last - 1; k >= 1; k--) {
      int b = -1;
      for (int i = 0; i < p.size; i++) {
        if ((p.mask[i] & (1 << k)) == 0) {
          continue;
        }
        boolean afterAnchor = p.at[i] > p.at[a] || (p.at[i] == p.at[a] && i > a);
        boolean beforeUp = p.at[i] < upAt || (p.at[i] == upAt && i < upIdx);
        if (afterAnchor && beforeUp && (b < 0 || p.at[i] >= p.at[b])) {
          b = i;
        }
      }
      if (b < 0) {
        return;
      }
      chainIdx[k] = b;
      upAt = p.at[b];
      upIdx = b;
    }
    long[] ids = new long[steps.length];
    ids[0] = p.ids[a];
    for (int k = 1; k < last; k++) {
      ids[k] = p.ids[chainIdx[k]];
    }
    ids[last] = seq;
    alert(out, key, t, p.at[a], t, steps.length, ids, ids.length, steps.length + " steps of \"" + rule.name()
        + "\" in order" + keyText(key) + " within " + seconds(within) + " s");
  }

  private void fire(Chain ch, Object key, long first, long last, AlertOut out, String how) {
    long[] order = new long[steps.length];
    long[] ids = new long[steps.length];
    Integer[] idx = new Integer[steps.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Long.compare(ch.at[a], ch.at[b]));
    for (int i = 0; i < idx.length; i++) {
      order[i] = ch.at[idx[i]];
      ids[i] = ch.ids[idx[i]];
    }
    ch.clear();
    alert(out, key, last, first, last, steps.length, ids, ids.length, steps.length + " steps of \"" + rule.name()
        + "\" " + how + keyText(key) + " within " + seconds(within) + " s");
  }

  @Override
  void expire(long now) {
    super.expire(now);
    sweep(state.groups, g -> {
      long n = ordered ? ((Pending) g).latest() : ((Chain) g).newest();
      return n == Long.MIN_VALUE ? Long.MIN_VALUE : n + within;
    }, now);
  }
}
