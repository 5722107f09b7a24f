package io.phosor.live;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What a live feed client can subscribe to; the wire name is the message's {@code type}. */
enum Topic {
  /** Newly stored alerts. */
  ALERT,
  /** Incident changes (published by the incidents feature). */
  INCIDENT,
  /** The {@code /api/stats} figures, every few seconds. */
  STATS,
  /** A sample of the journaled events. */
  EVENT,
  /** An alert after its addresses were enriched with threat intelligence (published by the intel feature). */
  ALERT_ENRICHED;

  /** Every topic: what a client gets until it chooses. */
  static final int ALL = (1 << values().length) - 1;

  /** The names a client may send, for error messages. */
  static final List<String> NAMES = Arrays.stream(values()).map(Topic::wire).toList();

  /** The bit of this topic in a subscription mask. */
  int bit() {
    return 1 << ordinal();
  }

  /** The name on the wire. */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The topic named {@code name}, or null. */
  static Topic of(String name) {
    for (Topic t : values()) {
      if (t.wire().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The names of the topics in {@code mask}. */
  static List<String> names(int mask) {
    return Arrays.stream(values()).filter(t -> (mask & t.bit()) != 0).map(Topic::wire).toList();
  }
}
