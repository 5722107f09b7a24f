package io.phosor.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * new_value: per group (the entity), the values of a field seen so far and the group's first event time.
 * During the first {@code learning} of a group only learn; after that a value not in the baseline fires
 * once and is learned. Values compare exactly. Baselines never expire with time (they are the point), but
 * the number of groups is capped like every rule's and each group keeps at most
 * {@link #MAX_VALUES_PER_GROUP} values (least recently seen dropped first).
 */
final class NewValueDetector extends Detector {
  /** Values remembered per entity: far more countries, hosts or user agents than one entity really uses. */
  static final int MAX_VALUES_PER_GROUP = 1_000;
  private final int field;
  private final String fieldName;
  private final long learning;

  /** One entity's baseline. */
  static final class Baseline {
    long first;
    final LinkedHashMap<String, Boolean> values = new LinkedHashMap<>(8, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > MAX_VALUES_PER_GROUP;
      }
    };

    Baseline(long first) {
      this.first = first;
    }
  }

  NewValueDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
    Rule.NewValue spec = (Rule.NewValue) rule.spec();
    field = c.slot(spec.field());
    fieldName = spec.field();
    learning = spec.learning().toMillis();
  }

  @Override
  void onEvent(EventView v, long t, boolean late, AlertOut out) {
    Object key = windowKey(v, late);
    if (key == null) {
      return;
    }
    String value = v.str(field);
    if (value == null) {
      return;
    }
    Baseline b = (Baseline) state.groups.get(key);
    if (b == null) {
      b = new Baseline(t);
      state.groups.put(key, b);
    }
    if (b.values.get(value) != null) {
      return;
    }
    b.values.put(value, Boolean.TRUE);
    if (t - b.first < learning) {
      return; // still learning
    }
    long[] ids = {v.event.seq()};
    alert(out, key, t, t, t, 1, ids, 1, "new " + fieldName + " value \"" + value + "\"" + keyText(key)
        + " for \"" + rule.name() + "\"");
  }
}
