package io.phosor.detect;

import java.util.Arrays;

/**
 * value_count: per group, the distinct values of a field seen within the sliding window (each with the
 * time and id of its latest event, ordered by that time). The event that brings the number of distinct
 * values to {@code distinct} fires one alert and empties the group's window. Values compare exactly
 * (case-sensitive). Memory per group: at most {@code distinct} entries.
 */
final class ValueCountDetector extends Detector {
  private final int field;
  private final int distinct;
  private final long window;
  private final String fieldName;

  /** Values ordered by latest time, oldest first. */
  static final class Values {
    String[] values;
    long[] times;
    long[] ids;
    int size;

    Values(int cap) {
      values = new String[cap];
      times = new long[cap];
      ids = new long[cap];
    }

    void remove(int i) {
      System.arraycopy(values, i + 1, values, i, size - i - 1);
      System.arraycopy(times, i + 1, times, i, size - i - 1);
      System.arraycopy(ids, i + 1, ids, i, size - i - 1);
      values[--size] = null;
    }

    void insert(String v, long t, long id) {
      if (size == values.length) {
        int n = values.length * 2;
        values = Arrays.copyOf(values, n);
        times = Arrays.copyOf(times, n);
        ids = Arrays.copyOf(ids, n);
      }
      int pos = size;
      while (pos > 0 && times[pos - 1] > t) {
        pos--;
      }
      System.arraycopy(values, pos, values, pos + 1, size - pos);
      System.arraycopy(times, pos, times, pos + 1, size - pos);
      System.arraycopy(ids, pos, ids, pos + 1, size - pos);
      values[pos] = v;
      times[pos] = t;
      ids[pos] = id;
      size++;
    }

    void clear() {
      Arrays.fill(values, 0, size, null);
      size = 0;
    }
  }

  ValueCountDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
    Rule.ValueCount spec = (Rule.ValueCount) rule.spec();
    field = c.slot(spec.field());
    fieldName = spec.field();
    distinct = spec.distinct();
    window = spec.window().toMillis();
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
    Values vs = (Values) state.groups.get(key);
    if (vs == null) {
      vs = new Values(Math.min(distinct, 8));
      state.groups.put(key, vs);
    }
    for (int i = 0; i < vs.size; i++) {
      if (vs.values[i].equals(value)) {
        if (vs.times[i] > t) {
          return; // a later event already carries this value
        }
        vs.remove(i);
        break;
      }
    }
    vs.insert(value, t, v.event.seq());
    long ref = vs.times[vs.size - 1];
    int drop = 0;
    while (drop < vs.size && vs.times[drop] <= ref - window) {
      drop++;
    }
    for (int i = 0; i < drop; i++) {
      vs.remove(0);
    }
    if (vs.size >= distinct) {
      int n = vs.size;
      long first = vs.times[0];
      long[] ids = Arrays.copyOf(vs.ids, n);
      vs.clear();
      alert(out, key, ref, first, ref, n, ids, n, n + " distinct " + fieldName + " values" + keyText(key)
          + " within " + seconds(window) + " s");
    }
  }

  @Override
  void expire(long now) {
    super.expire(now);
    sweep(state.groups, g -> {
      Values vs = (Values) g;
      return vs.size == 0 ? Long.MIN_VALUE : vs.times[vs.size - 1] + window;
    }, now);
  }
}
