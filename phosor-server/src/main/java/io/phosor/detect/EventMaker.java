package io.phosor.detect;

import io.phosor.event.Event;
import io.phosor.parse.EventParser;
import io.phosor.redact.Redactor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Turns log lines and JSON objects into events exactly as the server does on its pipeline thread:
 * {@link EventParser} then (unless disabled) {@link Redactor}. Used by replay, rule tests and
 * {@code /api/rules/test}, so a rule sees the same fields offline as in production.
 */
public final class EventMaker {
  private final EventParser parser;
  private final Redactor redactor;
  private final ZoneId zone;
  private final String source;

  /** {@code redactor} may be null (no redaction); {@code zone} is the zone for timestamps without an offset. */
  public EventMaker(EventParser parser, Redactor redactor, ZoneId zone, String source) {
    this.parser = parser;
    this.redactor = redactor;
    this.zone = zone == null ? ZoneOffset.UTC : zone;
    this.source = source;
  }

  /** A clock fixed at the last second of {@code year}: RFC 3164 stamps (no year) then resolve to that year. */
  public static Clock clockForYear(int year) {
    return Clock.fixed(Instant.parse(String.format("%04d-12-31T23:59:59Z", year)), ZoneOffset.UTC);
  }

  /** Parses one text line (syslog frame, file line). */
  public Event text(String line, Instant ingested) {
    Event e = parser.parseText(source, null, zone, ingested, line);
    if (redactor != null) {
      redactor.redact(e);
    }
    return e;
  }

  /** Normalizes one JSON object (as posted to the webhook); {@code original} is its JSON text. */
  public Event object(Map<String, Object> object, String original, Instant ingested) {
    Event e = parser.parseObject(source, null, zone, ingested, object, original);
    if (redactor != null) {
      redactor.redact(e);
    }
    return e;
  }
}
