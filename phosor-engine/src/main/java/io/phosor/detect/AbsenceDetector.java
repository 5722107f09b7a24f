package io.phosor.detect;

import java.util.PriorityQueue;

/**
 * absence: an event matching the filter (A) arms a timer for its group at {@code t + within} (a new A
 * moves it to the latest A); an event of the group matching {@code expected} (B) with
 * {@code trigger <= t < deadline} disarms it; when the rule's time (the watermark for event time, the
 * clock for ingest time) reaches the deadline with no B, one alert fires. An event matching both is
 * taken as B first, then as A. Memory: one small object per armed group and at most one queue entry each.
 */
final class AbsenceDetector extends Detector {
  private final Node expected;
  private final long within;

  /** One group's timer. */
  static final class Timer {
    final Object key;
    long trigger;
    long triggerId;
    long deadline;
    boolean armed;
    /** Deadline under which this timer sits in the queue; Long.MIN_VALUE when not queued. */
    long queuedAt = Long.MIN_VALUE;
    boolean dead;

    Timer(Object key) {
      this.key = key;
    }
  }

  AbsenceDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
    Rule.Absence spec = (Rule.Absence) rule.spec();
    expected = c.compile(rule.name(), spec.expected());
    within = spec.within().toMillis();
    if (state.extra == null) {
      state.extra = new PriorityQueue<Timer>((a, b) -> Long.compare(a.queuedAt, b.queuedAt));
    }
  }

  @SuppressWarnings("unchecked")
  private PriorityQueue<Timer> queue() {
    return (PriorityQueue<Timer>) state.extra;
  }

  @Override
  boolean hasTimers() {
    return true;
  }

  @Override
  void onEvent(EventView v, long t, boolean late, AlertOut out) {
    if (late) {
      return;
    }
    boolean isB = expected.test(v);
    boolean isA = filter.test(v);
    if (!isA && !isB) {
      return;
    }
    Object key = v.groupKey(keyId, groupSlots);
    if (key == null) {
      return;
    }
    if (isB) {
      Timer tm = (Timer) state.groups.get(key);
      if (tm != null && tm.armed && t >= tm.trigger && t < tm.deadline) {
        tm.armed = false;
        if (tm.queuedAt == Long.MIN_VALUE) {
          state.groups.remove(key);
        }
      }
    }
    if (isA) {
      Timer tm = (Timer) state.groups.get(key);
      if (tm == null) {
        tm = new Timer(key);
        state.groups.put(key, tm);
      }
      if (!tm.armed || t >= tm.trigger) {
        tm.armed = true;
        tm.trigger = t;
        tm.triggerId = v.event.seq();
        tm.deadline = t + within;
      }
      if (tm.queuedAt == Long.MIN_VALUE) {
        tm.queuedAt = tm.deadline;
        queue().add(tm);
      } else if (tm.queuedAt > tm.deadline) {
        // re-armed by a late A with an earlier deadline than where it sits in the queue: move it up, or it
        // would fire only when time reached the old position (rare: a disarmed timer and an out-of-order A)
        queue().remove(tm);
        tm.queuedAt = tm.deadline;
        queue().add(tm);
      }
    }
  }

  @Override
  void fireDue(long now, AlertOut out) {
    PriorityQueue<Timer> q = queue();
    Timer tm;
    while ((tm = q.peek()) != null && tm.queuedAt <= now) {
      q.poll();
      tm.queuedAt = Long.MIN_VALUE;
      if (tm.dead) {
        continue;
      }
      if (!tm.armed) {
        state.groups.remove(tm.key, tm);
        continue;
      }
      if (tm.deadline > now) {
        tm.queuedAt = tm.deadline; // re-armed since it was queued
        q.add(tm);
        continue;
      }
      tm.armed = false;
      state.groups.remove(tm.key, tm);
      long[] ids = {tm.triggerId};
      alert(out, tm.key, tm.deadline, tm.trigger, tm.deadline, 1, ids, 1, "no event matching the expected condition of \""
          + rule.name() + "\" within " + seconds(within) + " s" + keyText(tm.key));
    }
  }

  @Override
  void evicted(Object value) {
    ((Timer) value).dead = true;
  }

  /** Pending timers (for tests and stats). */
  int pending() {
    return queue().size();
  }
}
