package io.phosor.detect;

import io.phosor.event.Event;
import java.time.Instant;

/** Builds test events: event time = a base plus offset seconds, with a sequence number. */
final class Events {
  static final Instant BASE = Instant.parse("2024-11-21T10:00:00Z");
  private long seq;

  /** An event at BASE + {@code seconds} with fields given as name, value pairs. */
  Event at(double seconds, Object... kv) {
    Instant t = BASE.plusMillis(Math.round(seconds * 1000));
    Event e = new Event("test", null, t, kv.length > 0 && "raw".equals(kv[0]) ? (String) kv[1] : "");
    e.timestamp(t);
    e.seq(++seq);
    for (int i = 0; i < kv.length; i += 2) {
      if (!"raw".equals(kv[i])) {
        e.put((String) kv[i], kv[i + 1]);
      }
    }
    return e;
  }

  /** An event with an explicit ingest time. */
  Event ingested(Instant ingest, Instant eventTime, Object... kv) {
    Event e = new Event("test", null, ingest, "");
    e.timestamp(eventTime);
    e.seq(++seq);
    for (int i = 0; i < kv.length; i += 2) {
      e.put((String) kv[i], kv[i + 1]);
    }
    return e;
  }
}
