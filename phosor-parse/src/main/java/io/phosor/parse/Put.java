package io.phosor.parse;

import io.phosor.event.Event;
import java.util.Map;

/**
 * Writes a field whose name is already canonical straight into the event's map, skipping the alias
 * look-up of {@link Event#put} on the hot path. Only for names that are not aliases (constants of
 * {@link io.phosor.event.Fields} and the parsers' own ECS names); names from input go through
 * {@link Event#put}.
 */
final class Put {
  private Put() {}

  /**
   * Boxed ints 0..1023, shared: syslog priorities (0..191) and HTTP status codes (100..599) would otherwise be
   * a new Integer per event ({@link Integer#valueOf} caches only up to 127).
   */
  private static final Integer[] INTS = new Integer[1024];

  static {
    for (int i = 0; i < INTS.length; i++) {
      INTS[i] = i;
    }
  }

  /** {@code v} boxed, shared for 0..1023. */
  static Integer integer(int v) {
    return v >= 0 && v < INTS.length ? INTS[v] : Integer.valueOf(v);
  }

  static void field(Event e, String canonicalName, Object value) {
    assert io.phosor.event.Fields.ALIASES.get(canonicalName) == null : canonicalName + " is an alias";
    Map<String, Object> f = e.mutableFields();
    if (value == null) {
      f.remove(canonicalName);
    } else {
      f.put(canonicalName, value);
    }
  }
}
