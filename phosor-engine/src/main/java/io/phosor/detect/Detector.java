package io.phosor.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A compiled rule: its filter, its group key fields and its type's logic. Its mutable state lives in a
 * {@link State}, which the engine hands on to the new compiled rule when a rule set is replaced and the
 * rule is unchanged.
 */
abstract class Detector {
  final Rule rule;
  final Node filter;
  final int[] groupSlots;
  /** Id of this rule's group_by in the per-event key cache ({@link EventView#groupKey}). */
  final int keyId;
  final boolean eventTime;
  final long suppressMs;
  /**
   * Whether suppression stamps may be dropped once the clock has passed them by the suppression period.
   * Not for event-time stateless rules (pattern, time_of_day): they also see late events, whose alert
   * time can be any distance behind the watermark and must still be compared with the stamp, so their
   * stamps are bounded only by the group cap (like new_value baselines).
   */
  final boolean stampsExpire;
  final State state;
  final int maxIds;
  /**
   * True for a disabled rule that runs only because an enabled correlation takes its alerts: its alerts go
   * to those consumers, not to the sink.
   */
  boolean silent;
  /** Correlations that take this rule's alerts, with the input index at which they do. */
  List<Consumer> consumers = List.of();

  /** A correlation input fed by this rule's alerts. */
  record Consumer(AggregateDetector detector, int input) {}

  /** A rule's mutable state: groups, suppression stamps, timers, counters. */
  static final class State {
    final GroupTable.Counter evictions = new GroupTable.Counter();
    GroupTable<Object> groups;
    GroupTable<long[]> suppressed;
    /** Type-specific extra state (absence timers). */
    Object extra;
    long alerts;
  }

  Detector(Rule rule, Compiler c, State state, EngineConfig config) {
    this.rule = rule;
    this.filter = c.compile(rule.name(), rule.filter());
    this.groupSlots = rule.groupBy().stream().mapToInt(c::slot).toArray();
    this.keyId = c.keyId(groupSlots);
    this.eventTime = rule.time() == Rule.TimeBasis.EVENT;
    this.suppressMs = rule.suppress().toMillis();
    this.stampsExpire = !(eventTime && (rule.spec() instanceof Rule.Pattern || rule.spec() instanceof Rule.TimeOfDay));
    this.maxIds = config.maxEventIdsPerAlert();
    this.state = state;
    if (state.groups == null) {
      state.groups = new GroupTable<>(config.maxGroupsPerRule(), state.evictions, this::evicted);
      state.suppressed = new GroupTable<>(config.maxGroupsPerRule(), state.evictions, null);
    }
  }

  /**
   * The group key of an event this stateful rule takes into its windows: not late, accepted by the
   * filter, and carrying every group_by field. Null when the rule ignores the event.
   */
  final Object windowKey(EventView v, boolean late) {
    if (late || !filter.test(v)) {
      return null;
    }
    return v.groupKey(keyId, groupSlots);
  }

  /** Runs the rule over the current event; {@code t} is on the rule's time basis (ms); {@code late} only for event time. */
  abstract void onEvent(EventView v, long t, boolean late, AlertOut out);

  /** Fires timers due at {@code now} (ms on the rule's time basis). */
  void fireDue(long now, AlertOut out) {}

  /** Whether this rule has timers. */
  boolean hasTimers() {
    return false;
  }

  /**
   * Drops state that can no longer contribute at {@code now} (ms on the rule's time basis). A suppression
   * stamp at {@code last} is dropped once {@code last + suppress <= now}: every later alert of a rule that
   * ignores late events is at or after {@code now}, so it would pass anyway.
   */
  void expire(long now) {
    if (suppressMs > 0 && stampsExpire) {
      sweep(state.suppressed, s -> s[0] + suppressMs, now);
    }
  }

  /** Called when a group's state is evicted by the cap. */
  void evicted(Object value) {}

  /** Number of live group keys. */
  long groups() {
    return state.groups.size();
  }

  /**
   * Removes groups from the least recently used end while {@code deadline(value) <= now}; stops at the first
   * live one (the table is in access order, which follows time closely; the cap bounds the rest).
   */
  static <V> void sweep(GroupTable<V> table, ToLongFunction<V> deadline, long now) {
    Iterator<Map.Entry<Object, V>> it = table.entrySet().iterator();
    while (it.hasNext()) {
      if (deadline.applyAsLong(it.next().getValue()) <= now) {
        it.remove();
      } else {
        break;
      }
    }
  }

  /** The group key's fields as an alert map. */
  Map<String, String> keyMap(Object key) {
    List<String> names = rule.groupBy();
    if (names.isEmpty()) {
      return Map.of();
    }
    String[] parts = GroupKey.parts(key, names.size());
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      m.put(names.get(i), parts[i]);
    }
    return m;
  }

  /** " from source.ip=1.2.3.4" or "" for a global rule. */
  String keyText(Object key) {
    List<String> names = rule.groupBy();
    if (names.isEmpty()) {
      return "";
    }
    String[] parts = GroupKey.parts(key, names.size());
    StringBuilder b = new StringBuilder(" from ");
    for (int i = 0; i < parts.length; i++) {
      b.append(i == 0 ? "" : ", ").append(names.get(i)).append('=').append(parts[i]);
    }
    return b.toString();
  }

  /** Emits an alert unless suppressed; {@code ids} holds {@code n} ids, oldest first (the latest are kept). */
  void alert(AlertOut out, Object key, long at, long first, long last, long count, long[] ids, int n, String summary) {
    if (!out.admit(this, key, at)) {
      return;
    }
    int from = Math.max(0, n - maxIds);
    List<Long> list = new ArrayList<>(n - from);
    for (int i = from; i < n; i++) {
      list.add(ids[i]);
    }
    state.alerts++;
    out.emit(this, new Alert(rule.id(), rule.name(), rule.severity(), rule.tags(), keyMap(key),
        Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), count, list, summary));
  }

  static String seconds(long ms) {
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
  }
}
