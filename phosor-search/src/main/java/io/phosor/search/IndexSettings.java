package io.phosor.search;

/**
 * Settings of an {@link EventIndex}, validated on construction with messages a user can act on.
 *
 * @param retentionDays how many whole days a partition is kept after its (UTC ingest) day ended
 * @param ramBufferMb Lucene's indexing buffer per partition being written, in MB
 * @param indexThreads threads that build and add documents during {@link EventIndex#add} (1 = the caller's)
 * @param maxFieldsPerEvent fields indexed per event; the rest are stored (returned) but not searchable
 * @param maxKeywordChars longer string values are stored but not indexed as keywords (like ignore_above)
 * @param maxTextChars analyzed prefix of message/event.original; the whole text is still stored
 * @param maxFieldNames distinct field names the index accepts; new names beyond it are stored, not indexed
 */
public record IndexSettings(int retentionDays, int ramBufferMb, int indexThreads, int maxFieldsPerEvent,
    int maxKeywordChars, int maxTextChars, int maxFieldNames) {

  /** Default retention: a week, as in SPEC section 7's example. */
  public static final int DEFAULT_RETENTION_DAYS = 7;
  /** Default buffer: 64 MB per partition being written (Lucene's 16 MB flushes ~4x as many segments). */
  public static final int DEFAULT_RAM_BUFFER_MB = 64;
  /** A parsed web access event has ~27 fields; JSON events with hundreds of keys are abuse, not logs. */
  public static final int DEFAULT_MAX_FIELDS_PER_EVENT = 256;
  /** Keywords longer than this are not useful search terms (and Lucene's hard term limit is 32,766 bytes). */
  public static final int DEFAULT_MAX_KEYWORD_CHARS = 8_191;
  /** Analyzing more than 64 KB of one message adds terms nobody searches for. */
  public static final int DEFAULT_MAX_TEXT_CHARS = 65_536;
  /** Bounds the index schema against JSON senders that invent a new key per event. */
  public static final int DEFAULT_MAX_FIELD_NAMES = 10_000;

  /** Validates every setting. */
  public IndexSettings {
    check("retentionDays", retentionDays, 1, 36_500);
    check("ramBufferMb", ramBufferMb, 1, 2_047); // Lucene rejects a per-thread buffer of 2 GB or more
    check("indexThreads", indexThreads, 1, 64);
    check("maxFieldsPerEvent", maxFieldsPerEvent, 1, 100_000);
    check("maxKeywordChars", maxKeywordChars, 1, 8_191); // 8,191 chars x 4 UTF-8 bytes stays under 32,766
    check("maxTextChars", maxTextChars, 1, 16 * 1024 * 1024);
    check("maxFieldNames", maxFieldNames, 16, 1_000_000);
  }

  /** The defaults: 7 days retention, 64 MB buffer, indexing on the caller's thread. */
  public static IndexSettings defaults() {
    return new IndexSettings(DEFAULT_RETENTION_DAYS, DEFAULT_RAM_BUFFER_MB, 1, DEFAULT_MAX_FIELDS_PER_EVENT,
        DEFAULT_MAX_KEYWORD_CHARS, DEFAULT_MAX_TEXT_CHARS, DEFAULT_MAX_FIELD_NAMES);
  }

  /** A copy with another retention period in days. */
  public IndexSettings withRetentionDays(int days) {
    return new IndexSettings(days, ramBufferMb, indexThreads, maxFieldsPerEvent, maxKeywordChars, maxTextChars,
        maxFieldNames);
  }

  /** A copy with another indexing buffer size in MB. */
  public IndexSettings withRamBufferMb(int mb) {
    return new IndexSettings(retentionDays, mb, indexThreads, maxFieldsPerEvent, maxKeywordChars, maxTextChars,
        maxFieldNames);
  }

  /** A copy with another number of indexing threads. */
  public IndexSettings withIndexThreads(int threads) {
    return new IndexSettings(retentionDays, ramBufferMb, threads, maxFieldsPerEvent, maxKeywordChars,
        maxTextChars, maxFieldNames);
  }

  /** A copy with other per-value and per-event bounds. */
  public IndexSettings withBounds(int maxFieldsPerEvent, int maxKeywordChars, int maxTextChars, int maxFieldNames) {
    return new IndexSettings(retentionDays, ramBufferMb, indexThreads, maxFieldsPerEvent, maxKeywordChars,
        maxTextChars, maxFieldNames);
  }

  private static void check(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException("index setting " + name + " must be between " + min + " and " + max
          + ", was " + value);
    }
  }
}
