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
