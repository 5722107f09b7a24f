package io.phosor.detect;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.zone.ZoneRules;

/**
 * time_of_day: a matching event whose local time in the rule's zone is in [start, end) (wrapping
 * midnight when end <= start; start == end = all day) on one of the days. The weekday is the event's own
 * local date (Tuesday 02:00 counts as Tuesday, also in a 22:00-06:00 window). Stateless.
 */
final class TimeOfDayDetector extends Detector {
  private final ZoneRules zone;
  private final int start;
  private final int end;
  /** Bit per ISO day (1 = Monday). */
  private final int days;
  private final Rule.TimeOfDay spec;
  private final long[] one = new long[1];

  TimeOfDayDetector(Rule rule, Compiler c, State state, EngineConfig config) {
    super(rule, c, state, config);
    spec = (Rule.TimeOfDay) rule.spec();
    zone = spec.zone().getRules();
    start = spec.start().toSecondOfDay();
    end = spec.end().toSecondOfDay();
    int d = 0;
    for (DayOfWeek day : spec.days()) {
      d |= 1 << day.getValue();
    }
    days = d;
  }

  @Override
  void onEvent(EventView v, long t, boolean late, AlertOut out) {
    if (!filter.test(v)) {
      return;
    }
    long epochSecond = Math.floorDiv(t, 1000);
    int offset = zone.isFixedOffset() ? zone.getOffset(Instant.EPOCH).getTotalSeconds()
        : zone.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
    long local = epochSecond + offset;
    int sod = (int) Math.floorMod(local, 86_400L);
    long epochDay = Math.floorDiv(local, 86_400L);
    int isoDay = (int) Math.floorMod(epochDay + 3, 7L) + 1; // 1970-01-01 was a Thursday (ISO day 4)
    if (!inWindow(sod) || (days & (1 << isoDay)) == 0) {
      return;
    }
    Object key = GroupKey.of(v, groupSlots, true);
    one[0] = v.event.seq();
    alert(out, key, t, t, t, 1, one, 1, String.format("%s: event at %02d:%02d %s (%s), in %s-%s%s", rule.name(),
        sod / 3600, sod / 60 % 60, spec.zone().getId(), DayOfWeek.of(isoDay).name().substring(0, 3).toLowerCase(),
        spec.start(), spec.end(), keyText(key)));
  }

  private boolean inWindow(int sod) {
    if (start < end) {
      return sod >= start && sod < end;
    }
    return sod >= start || sod < end; // wraps midnight; start == end covers the whole day
  }
}
