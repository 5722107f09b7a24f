package io.phosor.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
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

  private static final String INGESTED_FIELD = FieldKinds.pointField(Fields.INGESTED, FieldKinds.DATE);

  /** Nesting depth of maps and lists that is flattened; deeper values are stored but not indexed. */
  static final int MAX_DEPTH = 8;

  private static final JsonFactory READER = new JsonFactory();

  private final IndexSettings settings;
  private final FieldKinds kinds;
  private final LongAdder notIndexed;

  EventDocuments(IndexSettings settings, FieldKinds kinds, LongAdder notIndexed) {
    this.settings = settings;
    this.kinds = kinds;
    this.notIndexed = notIndexed;
  }

  /**
   * Per-thread reusable state: the stored JSON buffer, the document's field list and, per field name, the
   * Lucene field instances, which Lucene lets a thread reuse from one document to the next (it copies what
   * it needs during {@code addDocument}). So a document costs no field objects, only its values.
   */
  static final class Scratch {
    /** Field names cached per thread; beyond this many (JSON senders inventing keys) the cache starts over. */
    static final int MAX_CACHED_NAMES = 4_096;

    /** The stored JSON; Lucene copies the bytes while adding, so one buffer serves every event. */
    final JsonWriter json = new JsonWriter();
    final HashMap<String, Name> names = new HashMap<>();
    /** The document being built; valid until the next {@link #build}. */
    final ArrayList<IndexableField> doc = new ArrayList<>(64);
    final LongPoint id = new LongPoint(FieldKinds.ID_FIELD, 0);
    final NumericDocValuesField idDocValues = new NumericDocValuesField(FieldKinds.ID_FIELD, 0);
    final LongPoint timestamp = new LongPoint(FieldKinds.TIMESTAMP_FIELD, 0);
    final NumericDocValuesField timestampDocValues = new NumericDocValuesField(FieldKinds.TIMESTAMP_FIELD, 0);
    final LongPoint ingested = new LongPoint(INGESTED_FIELD, 0);
    final BytesRef sourceBytes = new BytesRef();
    final StoredField source = new StoredField(FieldKinds.SOURCE_FIELD, sourceBytes);
    /** Numbers the documents built, so a name knows whether its fields are already in this one. */
    int generation;
    int budget;

    Name name(String field) {
      Name n = names.get(field);
      if (n == null) {
        if (names.size() >= MAX_CACHED_NAMES) {
          names.clear();
        }
        n = new Name(field);
        names.put(field, n);
      }
      return n;
    }
  }

  /** What indexing needs to know about a field name, worked out once per thread instead of per value. */
  static final class Name {
    final String field;
    /** A first-class property's name: the property wins, the field is neither stored nor indexed. */
    final boolean reserved;
    /** Empty or with the kind separator '#': stored but not indexed. */
    final boolean unindexable;
    final boolean text;
    final boolean ip;
    final String longField;
    final String doubleField;
    final String ipField;
    final String dateField;
    /** {@code "field":} in JSON. */
    final byte[] json;

    // this thread's reusable Lucene fields of this name, one per kind; a second value of the same kind in one
    // document (a list) gets a fresh instance
    private StringField keyword;
    private Field textField;
    private LongPoint longPoint;
    private LongPoint datePoint;
    private DoublePoint doublePoint;
    private InetAddressPoint ipPoint;
    /** The {@link Scratch#generation} whose document uses the {@link #used} kinds of the fields above. */
    private int generation = -1;
    private int used;

    Name(String field) {
      this.field = field;
      this.reserved = FieldKinds.RESERVED.contains(field);
      this.unindexable = field.isEmpty() || field.indexOf('#') >= 0;
      this.text = FieldKinds.isText(field);
      this.ip = FieldKinds.isIpName(field);
      this.longField = FieldKinds.pointField(field, FieldKinds.LONG);
      this.doubleField = FieldKinds.pointField(field, FieldKinds.DOUBLE);
      this.ipField = FieldKinds.pointField(field, FieldKinds.IP);
      this.dateField = FieldKinds.pointField(field, FieldKinds.DATE);
      this.json = JsonWriter.encodeName(field);
    }

    /** True (and taken) when this name's reusable {@code kind} field is free in document {@code generation}. */
    private boolean take(int generation, int kind) {
      if (this.generation != generation) {
        this.generation = generation;
        used = 0;
      }
      if ((used & kind) != 0) {
        return false;
      }
      used |= kind;
      return true;
    }

    IndexableField keyword(int generation, String lowerCased) {
      if (!take(generation, FieldKinds.KEYWORD)) {
        return new StringField(field, lowerCased, Field.Store.NO);
      }
      if (keyword == null) {
        keyword = new StringField(field, lowerCased, Field.Store.NO);
      } else {
        keyword.setStringValue(lowerCased);
      }
      return keyword;
    }

    IndexableField text(int generation, String value) {
      if (!take(generation, FieldKinds.TEXT)) {
        return new Field(field, value, TEXT_TYPE);
      }
      if (textField == null) {
        textField = new Field(field, value, TEXT_TYPE);
      } else {
        textField.setStringValue(value);
      }
      return textField;
    }

    IndexableField longPoint(int generation, long value) {
      if (!take(generation, FieldKinds.LONG)) {
        return new LongPoint(longField, value);
      }
      if (longPoint == null) {
        longPoint = new LongPoint(longField, value);
      } else {
        longPoint.setLongValue(value);
      }
      return longPoint;
    }

    IndexableField datePoint(int generation, long value) {
      if (!take(generation, FieldKinds.DATE)) {
        return new LongPoint(dateField, value);
      }
      if (datePoint == null) {
        datePoint = new LongPoint(dateField, value);
      } else {
        datePoint.setLongValue(value);
      }
      return datePoint;
    }

    IndexableField doublePoint(int generation, double value) {
      if (!take(generation, FieldKinds.DOUBLE)) {
        return new DoublePoint(doubleField, value);
      }
      if (doublePoint == null) {
        doublePoint = new DoublePoint(doubleField, value);
      } else {
        doublePoint.setDoubleValue(value);
      }
      return doublePoint;
    }

    IndexableField ipPoint(int generation, InetAddress value) {
      if (!take(generation, FieldKinds.IP)) {
        return new InetAddressPoint(ipField, value);
      }
      if (ipPoint == null) {
        ipPoint = new InetAddressPoint(ipField, value);
      } else {
        ipPoint.setInetAddressValue(value);
      }
      return ipPoint;
    }
  }

  /**
   * Where the kinds of the values indexed are recorded (a day partition, or an in-memory filter's own list).
   */
  interface KindRecorder {
    /**
     * Records that a {@code kind} value of {@code field} is indexed; false when that would add a field name beyond
     * {@code maxFieldNames} (the value is then not indexed).
     */
    boolean record(String field, int kind, FieldKinds global, int maxFieldNames);
  }

  /**
   * Builds the document of {@code e} for partition {@code p}; {@code e.seq()} must be set. The list and its
   * fields belong to {@code s} and are reused by its next call: add the document before building another.
   */
  List<IndexableField> build(Event e, KindRecorder p, Scratch s) {
    List<IndexableField> d = s.doc;
    d.clear();
    int g = ++s.generation;
    long seq = e.seq();
    long ts = DateValues.millis(e.timestamp());
    s.id.setLongValue(seq);
    d.add(s.id);
    s.idDocValues.setLongValue(seq);
    d.add(s.idDocValues);
    s.timestamp.setLongValue(ts);
    d.add(s.timestamp);
    s.timestampDocValues.setLongValue(ts);
    d.add(s.timestampDocValues);
    s.ingested.setLongValue(DateValues.millis(e.ingested()));
    d.add(s.ingested);
    keyword(d, s.name(Fields.SOURCE), g, e.source());
    if (e.sourceAddress() != null) {
      keyword(d, s.name(Fields.SOURCE_ADDRESS), g, e.sourceAddress());
    }
    text(d, s.name(Fields.ORIGINAL), g, originalText(e));
    if (e.parseError() != null) {
      text(d, s.name(Fields.PARSE_ERROR), g, e.parseError());
    }
    JsonWriter json = s.json;
    writeHeader(e, json);
    s.budget = settings.maxFieldsPerEvent();
    for (Map.Entry<String, Object> f : e.fields().entrySet()) {
      String key = f.getKey();
      if (key == null) {
        continue;
      }
      Name name = s.name(key);
      if (name.reserved) {
        continue; // the first-class property of the same name was written and indexed above
      }
      Object value = f.getValue();
      json.name(name.json);
      json.value(value, 0);
      if (name.unindexable) {
        notIndexed.increment(); // '#' separates a field from its kind suffix in Lucene field names
        continue;
      }
      index(d, p, s, name, value, 0);
    }
    json.endObject();
    s.sourceBytes.bytes = json.array(); // the buffer may have grown
    s.sourceBytes.offset = 0;
    s.sourceBytes.length = json.size();
    d.add(s.source);
    return d;
  }

  /**
   * The text analyzed under {@code event.original}. A syslog line is a header plus the message, and the
   * message is analyzed under {@code message} anyway: analyzing it twice cost a third of indexing time.
   * So when the message occurs in the original text at word boundaries, only the rest is analyzed here,
   * and queries on {@code event.original} search {@code message} too ({@link EventQueryParser}): a term
   * of the original is a term of the header or of the message either way.
   */
  static String originalText(Event e) {
    String original = e.original();
    if (!(e.fields().get(Fields.MESSAGE) instanceof String message) || message.isEmpty()
        || message.length() > original.length()) {
      return original;
    }
    int at = original.endsWith(message) ? original.length() - message.length() : original.lastIndexOf(message);
    int end = at + message.length();
    if (at < 0 || (at > 0 && Character.isLetterOrDigit(original.charAt(at - 1)))
        || (end < original.length() && Character.isLetterOrDigit(original.charAt(end)))) {
      return original;
    }
    return end == original.length() ? original.substring(0, at)
        : original.substring(0, at) + ' ' + original.substring(end);
  }

  private void index(List<IndexableField> d, KindRecorder p, Scratch s, Name name, Object v, int depth) {
    if (v == null) {
      return;
    }
    if (v instanceof Map<?, ?> m) {
      if (depth >= MAX_DEPTH) {
        notIndexed.increment();
        return;
      }
      for (Map.Entry<?, ?> en : m.entrySet()) {
        Name child = s.name(name.field + "." + en.getKey());
        if (child.unindexable || child.reserved) {
          notIndexed.increment();
        } else {
          index(d, p, s, child, en.getValue(), depth + 1);
        }
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
    String field = name.field;
    int g = s.generation;
    if (name.text) {
      if (accept(p, field, FieldKinds.TEXT)) {
        text(d, name, g, v.toString());
      }
    } else if (v instanceof String str) {
      indexString(d, p, name, g, str);
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      if (accept(p, field, FieldKinds.LONG)) {
        d.add(name.longPoint(g, ((Number) v).longValue()));
      }
    } else if (v instanceof BigInteger bi && bi.bitLength() < 64) {
      if (accept(p, field, FieldKinds.LONG)) {
        d.add(name.longPoint(g, bi.longValue()));
      }
    } else if ((v instanceof Double || v instanceof Float || v instanceof BigDecimal)
        && Double.isFinite(((Number) v).doubleValue())) {
      if (accept(p, field, FieldKinds.DOUBLE)) {
        d.add(name.doublePoint(g, ((Number) v).doubleValue()));
      }
    } else if (v instanceof Instant t) {
      if (accept(p, field, FieldKinds.DATE)) {
        d.add(name.datePoint(g, DateValues.millis(t)));
      }
    } else {
      indexString(d, p, name, g, v.toString()); // booleans and anything else: their text as a keyword
    }
  }

  /** Records that {@code name} holds {@code kind} values; false (counted) when the field-name budget is spent. */
  private boolean accept(KindRecorder p, String name, int kind) {
    if (p.record(name, kind, kinds, settings.maxFieldNames())) {
      return true;
    }
    notIndexed.increment();
    return false;
  }

  private void indexString(List<IndexableField> d, KindRecorder p, Name name, int g, String str) {
    if (str.length() > settings.maxKeywordChars()) {
      notIndexed.increment();
      return;
    }
    String field = name.field;
    if (name.ip) {
      InetAddress ip = IpAddresses.parse(str);
      if (ip != null) {
        if (accept(p, field, FieldKinds.IP)) {
          d.add(name.ipPoint(g, ip));
          d.add(name.keyword(g, lower(str)));
        }
        return;
      }
    }
    if (accept(p, field, FieldKinds.KEYWORD)) {
      d.add(name.keyword(g, lower(str)));
    }
  }

  private void keyword(List<IndexableField> d, Name name, int g, String value) {
    if (value.length() > settings.maxKeywordChars()) {
      notIndexed.increment();
      return;
    }
    d.add(name.keyword(g, lower(value)));
  }

  private void text(List<IndexableField> d, Name name, int g, String value) {
    String v = value;
    if (v.length() > settings.maxTextChars()) {
      v = v.substring(0, settings.maxTextChars());
      notIndexed.increment();
    }
    d.add(name.text(g, v));
  }

  /** Keywords are matched case-insensitively: indexed and queried lower-cased (docs/search.md). */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Starts the event's JSON (the shape returned by search) in {@code out}: the first-class properties. */
  static void writeHeader(Event e, JsonWriter out) {
    out.reset();
    out.beginObject();
    out.name(Fields.ID);
    out.number(e.seq());
    out.name(Fields.TIMESTAMP);
    out.instant(e.timestamp());
    out.name(Fields.INGESTED);
    out.instant(e.ingested());
    out.name(Fields.SOURCE);
    out.string(e.source());
    if (e.sourceAddress() != null) {
      out.name(Fields.SOURCE_ADDRESS);
      out.string(e.sourceAddress());
    }
    out.name(Fields.ORIGINAL);
    out.string(e.original());
    if (e.parseError() != null) {
      out.name(Fields.PARSE_ERROR);
      out.string(e.parseError());
    }
  }

  /** Reads stored JSON back into an insertion-ordered map (integers as Long, or BigInteger beyond a long). */
  static Map<String, Object> readJson(BytesRef bytes) {
    try (JsonParser p = READER.createParser(bytes.bytes, bytes.offset, bytes.length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) readValue(p, JsonToken.START_OBJECT);
      return m;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("stored event JSON is unreadable (index damaged?)", e);
    }
  }

  private static Object readValue(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
          String name = p.currentName();
          m.put(name, readValue(p, p.nextToken()));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
          l.add(readValue(p, n));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? p.getBigIntegerValue() : p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected JSON token " + t);
    }
  }
}
