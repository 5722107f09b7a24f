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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
        writeValue(g, f.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * Writes a field value. The types fields hold almost always (strings, numbers, booleans, lists of strings) are
   * written directly, exactly as Jackson's serializers write them; anything else goes through the ObjectMapper,
   * which costs a serializer lookup per value (measured: a few percent of the pipeline thread at full rate).
   */
  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    // an instanceof chain, most common first: a pattern switch here showed up as its own hot frame in JFR
    if (v instanceof String s) {
      g.writeString(s);
    } else if (v == null) {
      g.writeNull();
    } else if (v instanceof Integer n) {
      g.writeNumber(n);
    } else if (v instanceof Long n) {
      g.writeNumber(n);
    } else if (v instanceof Instant i) {
      g.writeString(i.toString());
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof List<?> l && allStrings(l)) {
      g.writeStartArray();
      for (Object o : l) {
        g.writeString((String) o);
      }
      g.writeEndArray();
    } else {
      g.writeObject(v);
    }
  }

  private static boolean allStrings(List<?> l) {
    for (Object o : l) {
      if (!(o instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** Encodes one event to bytes. */
  public static byte[] encode(Event e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    encode(e, out);
    return out.toByteArray();
  }

  /** Decodes an event written by {@link #encode(Event)}. */
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
          case "f" -> fields = readObject(p);
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

  /**
   * Reads the JSON object at the parser into the same Java values Jackson's untyped binding gives (LinkedHashMap,
   * ArrayList, String, Integer/Long/BigInteger, Double, Boolean, null), with the streaming API only: binding through
   * the ObjectMapper cost about a sixth of the detect thread when it reads back from the journal.
   */
  private static Map<String, Object> readObject(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new IOException("journal record: fields are not a JSON object");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      m.put(name, readValue(p));
    }
    return m;
  }

  private static Object readValue(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("journal record ends inside its fields");
    }
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(readValue(p));
        }
        yield l;
      }
      case START_OBJECT -> readObject(p);
      default -> throw new IOException("journal record: unexpected " + t + " in its fields");
    };
  }
}
