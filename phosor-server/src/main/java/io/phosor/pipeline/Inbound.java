package io.phosor.pipeline;

import io.phosor.stats.SourceCounters;
import java.time.Instant;
import java.util.Map;

/**
 * One message as a source received it, before parsing: either text (a syslog frame, a file line, a HEC
 * raw line) or a JSON object (webhook, ingest, HEC event). Parsing happens on the pipeline thread.
 *
 * @param source the source name the event will carry ("syslog", "webhook:app", "file:/path", ...)
 * @param address the sender's address, or null
 * @param counters the per-source counters to update
 * @param text the text, or null for an object
 * @param object the JSON object, or null for text
 * @param received when it arrived
 * @param extra fields to set after parsing (e.g. log.file.path and log.offset, HEC host/sourcetype), or null
 */
public record Inbound(String source, String address, SourceCounters counters, String text,
    Map<String, Object> object, Instant received, Map<String, Object> extra) {

  /** A text message. */
  public static Inbound text(String source, String address, SourceCounters counters, String text, Instant received) {
    return new Inbound(source, address, counters, text, null, received, null);
  }

  /** A text message with fields to add after parsing. */
  public static Inbound text(String source, String address, SourceCounters counters, String text, Instant received,
      Map<String, Object> extra) {
    return new Inbound(source, address, counters, text, null, received, extra);
  }

  /** A JSON object; {@code original} is its JSON text. */
  public static Inbound object(String source, String address, SourceCounters counters, Map<String, Object> object,
      String original, Instant received, Map<String, Object> extra) {
    return new Inbound(source, address, counters, original, object, received, extra);
  }
}
