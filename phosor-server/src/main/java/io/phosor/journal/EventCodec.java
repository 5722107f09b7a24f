package io.phosor.journal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Encodes events as compact JSON for the journal and decodes them back, losslessly. */
public final class EventCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private EventCodec() {}

  /** Writes one event as a JSON object to {@code out}. */
  public static void encode(Event e, ByteArrayOutputStream out) {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setCodec(MAPPER);
      g.writeStartObject();
      g.writeNumberField("seq", e.seq());
      g.writeStringField("src", e.source());
      if (e.sourceAddress() != null) {
        g.writeStringField("addr", e.sourceAddress());
      }
      g.writeStringField("ing", e.ingested().toString());
      g.writeStringField("ts", e.timestamp().toString());
      g.writeStringField("orig", e.original());
      if (e.parseError() != null) {
        g.writeStringField("err", e.parseError());
      }
      g.writeFieldName("f");
      g.writeStartObject();
      for (Map.Entry<String, Object> f : e.fields().entrySet()) {
        g.writeFieldName(f.getKey());
        Object v = f.getValue();
        if (v instanceof Instant i) {
          g.writeString(i.toString());
        } else {
          g.writeObject(v);
        }
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Encodes one event to bytes. */
  public static byte[] encode(Event e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    encode(e, out);
    return out.toByteArray();
  }

  /** Decodes an event written by {@link #encode(Event)}. */
  @SuppressWarnings("unchecked")
  public static Event decode(byte[] bytes, int off, int len) {
    try (JsonParser p = FACTORY.createParser(bytes, off, len)) {
      p.setCodec(MAPPER);
      long seq = -1;
      String src = null;
      String addr = null;
      String orig = "";
      String err = null;
      Instant ing = null;
      Instant ts = null;
      Map<String, Object> fields = Map.of();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("journal record is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "seq" -> seq = p.getLongValue();
          case "src" -> src = p.getText();
          case "addr" -> addr = p.getText();
          case "ing" -> ing = Instant.parse(p.getText());
          case "ts" -> ts = Instant.parse(p.getText());
          case "orig" -> orig = p.getText();
          case "err" -> err = p.getText();
          case "f" -> fields = p.readValueAs(LinkedHashMap.class);
          default -> p.skipChildren();
        }
      }
      if (src == null || ing == null) {
        throw new IOException("journal record lacks src or ing");
      }
      Event e = new Event(src, addr, ing, orig);
      e.seq(seq);
      if (ts != null) {
        e.timestamp(ts);
      }
      e.parseError(err);
      e.mutableFields().putAll(fields);
      return e;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
