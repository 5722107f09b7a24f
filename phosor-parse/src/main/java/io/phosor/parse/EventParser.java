package io.phosor.parse;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * Turns what a source received into a normalized {@link Event}. Never throws on bad input: a message
 * that cannot be parsed is returned with its raw text and {@link Event#parseError()} set.
 */
public final class EventParser {
  private final Clock clock;

  /** {@code clock} is used to infer the year of RFC 3164 timestamps. */
  public EventParser(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Parses one text message (a syslog frame, a file line, a HEC raw line): RFC 5424, RFC 3164, or a bare
   * body in JSON, CEF, LEEF or key=value, then extracts well-known messages (sshd, sudo, su, PAM, web
   * access logs). {@code zone} is the source's time zone for timestamps without an offset.
   */
  public Event parseText(String source, String sourceAddress, ZoneId zone, Instant ingested, String text) {
    Event e = new Event(source, sourceAddress, ingested, text);
    e.put(Fields.MESSAGE, text);
    e.put(Fields.PARSER, "raw");
    return e;
  }

  /**
   * Normalizes one JSON object received over HTTP (webhook, /api/ingest, HEC): aliases become canonical
   * names, nested objects become dotted names, a timestamp field becomes the event time.
   * {@code original} is the object's JSON text.
   */
  public Event parseObject(String source, String sourceAddress, ZoneId zone, Instant ingested,
      Map<String, Object> object, String original) {
    Event e = new Event(source, sourceAddress, ingested, original);
    object.forEach(e::put);
    e.put(Fields.PARSER, "json");
    return e;
  }

  Clock clock() {
    return clock;
  }
}
