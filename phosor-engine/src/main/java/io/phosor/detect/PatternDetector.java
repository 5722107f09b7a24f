package io.phosor.detect;

/** pattern: every matching event is an alert (late events included: no window involved). */
final class PatternDetector extends Detector {
  private final long[] one = new long[1];

  PatternDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
  }

  @Override
  void onEvent(EventView v, long t, boolean late, AlertOut out) {
    if (!filter.test(v)) {
      return;
    }
    Object key = GroupKey.of(v, groupSlots, true);
    one[0] = v.event.seq();
    alert(out, key, t, t, t, 1, one, 1, rule.name() + ": matching event" + keyText(key));
  }
}
