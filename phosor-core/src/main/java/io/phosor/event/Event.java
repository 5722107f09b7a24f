package io.phosor.event;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * One log event as it moves through the pipeline: the original text, event time and ingest time, the
 * source it came through and the sender's address, and normalized fields under their canonical names
 * ({@link Fields}). Mutable and confined to one thread at a time; stages hand it on through queues.
 */
public final class Event {
  private long seq = -1;
  private final String source;
  private final String sourceAddress;
  private final Instant ingested;
  private Instant timestamp;
  private String original;
  private String parseError;
  private final FieldMap fields;
  /** The read-only view handed out by {@link #fields()}, made on first use. */
  private Map<String, Object> readOnly;

  /** Creates an event received through {@code source} from {@code sourceAddress} (may be null). */
  public Event(String source, String sourceAddress, Instant ingested, String original) {
    this.source = Objects.requireNonNull(source, "source");
    this.sourceAddress = sourceAddress;
    this.ingested = Objects.requireNonNull(ingested, "ingested");
    this.timestamp = ingested;
    this.original = original == null ? "" : original;
    // a parsed sshd event has ~21 fields, a web access line 26 (27 once redacted): FieldMap's 32 slots hold
    // them without growing on the hot path
    this.fields = new FieldMap();
  }

  /** Journal sequence number (stable id), or -1 before the event is journaled. */
  public long seq() {
    return seq;
  }

  /** Sets the journal sequence number; done once by the journal. */
  public void seq(long seq) {
    this.seq = seq;
  }

  /** Source name, e.g. "syslog", "webhook:my_app", "file:/var/log/auth.log". */
  public String source() {
    return source;
  }

  /** The sender's address, or null when there is none (files). */
  public String sourceAddress() {
    return sourceAddress;
  }

  /** When Phosor received the event. */
  public Instant ingested() {
    return ingested;
  }

  /** When the event happened (event time); ingest time until a parser finds a timestamp. */
  public Instant timestamp() {
    return timestamp;
  }

  /** Sets the event time. */
  public void timestamp(Instant timestamp) {
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
  }

  /** The original text as received (redacted before it is journaled). */
  public String original() {
    return original;
  }

  /** Replaces the original text (used by the redactor). */
  public void original(String original) {
    this.original = Objects.requireNonNull(original, "original");
  }

  /** Why parsing failed, or null when it did not. A failed event is kept, flagged and counted. */
  public String parseError() {
    return parseError;
  }

  /** Flags the event as a parse failure with the parser's reason. */
  public void parseError(String reason) {
    this.parseError = reason;
  }

  /** True when the body could not be parsed. */
  public boolean parseFailed() {
    return parseError != null;
  }

  /**
   * Reads a field by canonical name or alias, including the first-class properties
   * ({@code @timestamp}, {@code event.ingested}, {@code event.original}, ...). Null when absent.
   */
  public Object get(String name) {
    String key = Fields.canonical(name);
    return switch (key) {
      case Fields.TIMESTAMP -> timestamp;
      case Fields.INGESTED -> ingested;
      case Fields.ORIGINAL -> original;
      case Fields.SOURCE -> source;
      case Fields.SOURCE_ADDRESS -> sourceAddress;
      case Fields.ID -> seq < 0 ? null : seq;
      case Fields.PARSE_ERROR -> parseError;
      default -> fields.get(key);
    };
  }

  /** Reads a field as a string (null when absent). */
  public String getString(String name) {
    Object v = get(name);
    return v == null ? null : v.toString();
  }

  /** Sets a normalized field under its canonical name (aliases are resolved); null removes it. */
  public Event put(String name, Object value) {
    String key = Fields.canonical(name);
    if (value == null) {
      fields.remove(key);
    } else {
      fields.put(key, value);
    }
    return this;
  }

  /** Sets a field only when it is not set yet. */
  public Event putIfAbsent(String name, Object value) {
    if (value != null) {
      fields.putIfAbsent(Fields.canonical(name), value);
    }
    return this;
  }

  /** The normalized fields other than the first-class properties, in insertion order; read-only. */
  public Map<String, Object> fields() {
    Map<String, Object> v = readOnly;
    if (v == null) {
      v = Collections.unmodifiableMap(fields);
      readOnly = v;
    }
    return v;
  }

  /**
   * Mutable access for stages that rewrite many fields at once (the redactor): iteration is in insertion
   * order, and {@code entrySet()} entries support {@code setValue}.
   */
  public Map<String, Object> mutableFields() {
    return fields;
  }

  /**
   * Number of normalized fields ({@link #fields()}'s size). With {@link #fieldName}, {@link #fieldValue(int)}
   * and {@link #fieldValue(int, Object)} a hot-path stage (the redactor) walks the fields in insertion order
   * without an iterator.
   */
  public int fieldCount() {
    return fields.size();
  }

  /** The name of the field at {@code position} (0 = the first set), {@code 0 <= position < fieldCount()}. */
  public String fieldName(int position) {
    return fields.keyAt(position);
  }

  /** The value of the field at {@code position}, {@code 0 <= position < fieldCount()}. */
  public Object fieldValue(int position) {
    return fields.valueAt(position);
  }

  /** Replaces the value of the field at {@code position} (not null); its name and place stay. */
  public void fieldValue(int position, Object value) {
    fields.setValueAt(position, Objects.requireNonNull(value, "value"));
  }

  @Override
  public String toString() {
    return "Event{seq=" + seq + ", source=" + source + ", @timestamp=" + timestamp + ", fields=" + fields
        + ", original=" + original + (parseError == null ? "" : ", parseError=" + parseError) + "}";
  }
}
