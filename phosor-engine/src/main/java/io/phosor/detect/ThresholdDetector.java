package io.phosor.detect;

/**
 * threshold: per group, the times of matching events within the sliding window (t - ts < window, i.e.
 * half-open (t - W, t]); the event that brings the count to {@code count} fires one alert and empties the
 * window (counting restarts). Memory per group: a ring of at most {@code count} times and ids.
 */
final class ThresholdDetector extends Detector {
  private final int count;
  private final long window;

  ThresholdDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
    Rule.Threshold spec = (Rule.Threshold) rule.spec();
    count = spec.count();
    window = spec.window().toMillis();
  }

  @Override
  void onEvent(EventView v, long t, boolean late, AlertOut out) {
    Object key = windowKey(v, late);
    if (key == null) {
      return;
    }
    TimeRing w = (TimeRing) state.groups.get(key);
    if (w == null) {
      w = new TimeRing(Math.min(count, 8));
      state.groups.put(key, w);
    }
    w.add(t, v.event.seq());
    long ref = w.newest();
    w.dropUpTo(ref - window);
    if (w.size() >= count) {
      int n = w.size();
      long first = w.oldest();
      long[] ids = w.ids();
      w.clear();
      alert(out, key, ref, first, ref, n, ids, n, n + " events matching \"" + rule.name() + "\"" + keyText(key)
          + " within " + seconds(window) + " s");
    }
  }

  @Override
  void expire(long now) {
    super.expire(now);
    sweep(state.groups, w -> {
      TimeRing r = (TimeRing) w;
      return r.size() == 0 ? Long.MIN_VALUE : r.newest() + window;
    }, now);
  }
}
