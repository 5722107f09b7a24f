package io.phosor.detect;

import java.util.Arrays;

/**
 * correlation. Unordered: per group, the latest time (and id) of each step; the event that makes every
 * step present with {@code t - oldest < within} fires and clears the group. Ordered: per group a pending
 * chain anchored at the latest occurrence of step 1 since the last completion; step j advances the chain
 * when steps 1..j-1 are done and {@code t - anchor < within}; an event matching the last step completes
 * the chain if all earlier steps are done and {@code t - anchor < within}, and always clears it. An event
 * matching several steps is applied from the last step backwards (so it can complete a chain and then
 * start a new one). Memory per group: two longs per step.
 */
final class CorrelationDetector extends Detector {
  private final Node[] steps;
  private final boolean ordered;
  private final long within;
  private final boolean[] matched;

  /** Per-group state: times (Long.MIN_VALUE = none) and ids per step; progress for ordered chains. */
  static final class Chain {
    final long[] at;
    final long[] ids;
    int progress;

    Chain(int steps) {
      at = new long[steps];
      ids = new long[steps];
      Arrays.fill(at, Long.MIN_VALUE);
    }

    void clear() {
      Arrays.fill(at, Long.MIN_VALUE);
      progress = 0;
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
    Object key = GroupKey.of(v, groupSlots, false);
    if (key == null) {
      return;
    }
    Chain ch = (Chain) state.groups.get(key);
    if (ch == null) {
      if (ordered && !matched[0]) {
        return; // nothing pending: only step 1 starts a chain
      }
      ch = new Chain(steps.length);
      state.groups.put(key, ch);
    }
    long seq = v.event.seq();
    if (ordered) {
      ordered(ch, key, t, seq, out);
    } else {
      unordered(ch, key, t, seq, out);
    }
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

  private void ordered(Chain ch, Object key, long t, long seq, AlertOut out) {
    int last = steps.length - 1;
    if (matched[last]) {
      if (ch.progress == last && t - ch.at[0] < within && t >= ch.at[last - 1]) {
        ch.at[last] = t;
        ch.ids[last] = seq;
        fire(ch, key, ch.at[0], t, out, "in order");
      }
      ch.clear();
    }
    for (int j = last - 1; j >= 1; j--) {
      if (matched[j] && ch.progress == j) {
        if (t - ch.at[0] < within && t >= ch.at[j - 1]) {
          ch.at[j] = t;
          ch.ids[j] = seq;
          ch.progress = j + 1;
        } else if (t - ch.at[0] >= within) {
          ch.clear(); // the chain ran out of time
        }
      }
    }
    if (matched[0]) {
      ch.clear();
      ch.at[0] = t;
      ch.ids[0] = seq;
      ch.progress = 1;
    }
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
      Chain ch = (Chain) g;
      long n = ordered ? (ch.progress == 0 ? Long.MIN_VALUE : ch.at[0]) : ch.newest();
      return n == Long.MIN_VALUE ? Long.MIN_VALUE : n + within;
    }, now);
  }
}
