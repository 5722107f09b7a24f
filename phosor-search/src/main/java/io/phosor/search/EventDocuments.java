package io.phosor.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.util.BytesRef;

/**
 * Maps an {@link Event} to a Lucene document (field typing in docs/search.md) and its stored JSON, and the
 * stored JSON back to a map. Thread-safe; each indexing thread passes its own {@link Scratch}.
 */
final class EventDocuments {
  /** Analyzed text without norms: results are sorted by time, never by relevance, so norms buy nothing. */
  static final FieldType TEXT_TYPE;

  static {
    FieldType t = new FieldType();
    t.setTokenized(true);
    t.setOmitNorms(true);
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS); // positions for phrase queries
    t.freeze();
    TEXT_TYPE = t;
  }

  /** Nesting depth of maps and lists that is flattened; deeper values are stored but not indexed. */
  static final int MAX_DEPTH = 8;

  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final ObjectMapper READER = new ObjectMapper()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS);

  private final IndexSettings settings;
  private final FieldKinds kinds;
  private final LongAdder notIndexed;

  EventDocuments(IndexSettings settings, FieldKinds kinds, LongAdder notIndexed) {
    this.settings = settings;
    this.kinds = kinds;
    this.notIndexed = notIndexed;
  }

  /** Per-thread reusable buffers. */
  static final class Scratch {
    final Buffer json = new Buffer();
    int budget;
  }

  /** A byte buffer whose array can be handed to Lucene without a copy (Lucene copies it while adding). */
  static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(2048);
    }

    byte[] array() {
      return buf;
    }
  }

  /** Builds the document of {@code e} for partition {@code p}; {@code e.seq()} must be set. */
  Document build(Event e, DayPartition p, Scratch s) throws IOException {
    Document d = new Document();
    long seq = e.seq();
    long ts = DateValues.millis(e.timestamp());
    d.add(new LongPoint(FieldKinds.ID_FIELD, seq));
    d.add(new NumericDocValuesField(FieldKinds.ID_FIELD, seq));
    d.add(new LongPoint(FieldKinds.TIMESTAMP_FIELD, ts));
    d.add(new NumericDocValuesField(FieldKinds.TIMESTAMP_FIELD, ts));
    d.add(new LongPoint(FieldKinds.pointField(Fields.INGESTED, FieldKinds.DATE), DateValues.millis(e.ingested())));
    keyword(d, Fields.SOURCE, e.source());
    if (e.sourceAddress() != null) {
      keyword(d, Fields.SOURCE_ADDRESS, e.sourceAddress());
    }
    text(d, Fields.ORIGINAL, e.original());
    if (e.parseError() != null) {
      text(d, Fields.PARSE_ERROR, e.parseError());
    }
    s.budget = settings.maxFieldsPerEvent();
    for (Map.Entry<String, Object> f : e.fields().entrySet()) {
      String name = f.getKey();
      if (name == null || FieldKinds.RESERVED.contains(name)) {
        continue; // the first-class property wins; the duplicate is still stored below
      }
      if (name.indexOf('#') >= 0 || name.isEmpty()) {
        notIndexed.increment(); // '#' separates a field from its kind suffix in Lucene field names
        continue;
      }
      index(d, p, s, name, f.getValue(), 0);
    }
    writeJson(e, s.json);
    d.add(new StoredField(FieldKinds.SOURCE_FIELD, new BytesRef(s.json.array(), 0, s.json.size())));
    return d;
  }

  private void index(Document d, DayPartition p, Scratch s, String name, Object v, int depth) {
    if (v == null) {
      return;
    }
    if (v instanceof Map<?, ?> m) {
      if (depth >= MAX_DEPTH) {
        notIndexed.increment();
        return;
      }
      for (Map.Entry<?, ?> en : m.entrySet()) {
        index(d, p, s, name + "." + en.getKey(), en.getValue(), depth + 1);
      }
      return;
    }
    if (v instanceof Collection<?> c) {
      if (depth >= MAX_DEPTH) {
        notIndexed.increment();
        return;
      }
      for (Object o : c) {
        index(d, p, s, name, o, depth + 1);
      }
      return;
    }
    if (v instanceof Object[] a) {
      index(d, p, s, name, java.util.Arrays.asList(a), depth);
      return;
    }
    if (s.budget <= 0) {
      notIndexed.increment();
      return;
    }
    s.budget--;
    if (FieldKinds.isText(name)) {
      if (accept(p, name, FieldKinds.TEXT)) {
        text(d, name, v.toString());
      }
    } else if (v instanceof String str) {
      indexString(d, p, name, str);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      if (accept(p, name, FieldKinds.LONG)) {
        d.add(new LongPoint(FieldKinds.pointField(name, FieldKinds.LONG), ((Number) v).longValue()));
      }
    } else if (v instanceof BigInteger bi && bi.bitLength() < 64) {
      if (accept(p, name, FieldKinds.LONG)) {
        d.add(new LongPoint(FieldKinds.pointField(name, FieldKinds.LONG), bi.longValue()));
      }
    } else if ((v instanceof Double || v instanceof Float || v instanceof BigDecimal)
        && Double.isFinite(((Number) v).doubleValue())) {
      if (accept(p, name, FieldKinds.DOUBLE)) {
        d.add(new DoublePoint(FieldKinds.pointField(name, FieldKinds.DOUBLE), ((Number) v).doubleValue()));
      }
    } else if (v instanceof Instant t) {
      if (accept(p, name, FieldKinds.DATE)) {
        d.add(new LongPoint(FieldKinds.pointField(name, FieldKinds.DATE), DateValues.millis(t)));
      }
    } else {
      indexString(d, p, name, v.toString()); // booleans and anything else: their text as a keyword
    }
  }

  /** Records that {@code name} holds {@code kind} values; false (counted) when the field-name budget is spent. */
  private boolean accept(DayPartition p, String name, int kind) {
    if (p.record(name, kind, kinds, settings.maxFieldNames())) {
      return true;
    }
    notIndexed.increment();
    return false;
  }

  private void indexString(Document d, DayPartition p, String name, String str) {
    if (str.length() > settings.maxKeywordChars()) {
      notIndexed.increment();
      return;
    }
    if (FieldKinds.isIpName(name)) {
      InetAddress ip = IpAddresses.parse(str);
      if (ip != null) {
        if (accept(p, name, FieldKinds.IP)) {
          d.add(new InetAddressPoint(FieldKinds.pointField(name, FieldKinds.IP), ip));
          d.add(new StringField(name, lower(str), Field.Store.NO));
        }
        return;
      }
    }
    if (accept(p, name, FieldKinds.KEYWORD)) {
      d.add(new StringField(name, lower(str), Field.Store.NO));
    }
  }

  private void keyword(Document d, String name, String value) {
    if (value.length() > settings.maxKeywordChars()) {
      notIndexed.increment();
      return;
    }
    d.add(new StringField(name, lower(value), Field.Store.NO));
  }

  private void text(Document d, String name, String value) {
    String v = value;
    if (v.length() > settings.maxTextChars()) {
      v = v.substring(0, settings.maxTextChars());
      notIndexed.increment();
    }
    d.add(new Field(name, v, TEXT_TYPE));
  }

  /** Keywords are matched case-insensitively: indexed and queried lower-cased (docs/search.md). */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Writes the event's JSON (the shape returned by search) into {@code out}, replacing its content. */
  static void writeJson(Event e, Buffer out) throws IOException {
    out.reset();
    try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField(Fields.ID, e.seq());
      g.writeStringField(Fields.TIMESTAMP, e.timestamp().toString());
      g.writeStringField(Fields.INGESTED, e.ingested().toString());
      g.writeStringField(Fields.SOURCE, e.source());
      if (e.sourceAddress() != null) {
        g.writeStringField(Fields.SOURCE_ADDRESS, e.sourceAddress());
      }
      g.writeStringField(Fields.ORIGINAL, e.original());
      if (e.parseError() != null) {
        g.writeStringField(Fields.PARSE_ERROR, e.parseError());
      }
      for (Map.Entry<String, Object> f : e.fields().entrySet()) {
        String name = f.getKey();
        if (name == null || FieldKinds.RESERVED.contains(name)) {
          continue;
        }
        g.writeFieldName(name);
        writeValue(g, f.getValue(), 0);
      }
      g.writeEndObject();
    }
  }

  private static void writeValue(JsonGenerator g, Object v, int depth) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double x = ((Number) v).doubleValue();
      if (Double.isFinite(x)) {
        g.writeNumber(x);
      } else {
        g.writeString(Double.toString(x));
      }
    } else if (v instanceof BigInteger bi) {
      g.writeNumber(bi);
    } else if (v instanceof BigDecimal bd) {
      g.writeNumber(bd);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (depth >= MAX_DEPTH * 2) {
      g.writeString(v.toString()); // deeper than any real log; keep it, flattened to text
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> en : m.entrySet()) {
        g.writeFieldName(String.valueOf(en.getKey()));
        writeValue(g, en.getValue(), depth + 1);
      }
      g.writeEndObject();
    } else if (v instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        writeValue(g, o, depth + 1);
      }
      g.writeEndArray();
    } else if (v instanceof Object[] a) {
      writeValue(g, java.util.Arrays.asList(a), depth);
    } else {
      g.writeString(v.toString()); // Instant, InetAddress, ...: their ISO/text form
    }
  }

  /** Reads stored JSON back into an insertion-ordered map (integers as Long). */
  static Map<String, Object> readJson(BytesRef bytes) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = READER.readValue(bytes.bytes, bytes.offset, bytes.length, LinkedHashMap.class);
      return m;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("stored event JSON is unreadable (index damaged?)", e);
    }
  }
}
