package io.phosor.search;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.FSDirectory;

/**
 * One UTC ingest day of the index: its own Lucene directory ({@code <index>/2026-11-21/}), writer and
 * near-real-time searcher. Each commit records in its user data the highest journal seq the partition
 * holds, its event-time span, the durable index position and the field kinds, so a restart knows what
 * is durable.
 * Written by the indexer thread only; the volatile spans are read by search threads to skip partitions.
 */
final class DayPartition implements Closeable, EventDocuments.KindRecorder {
  static final String FORMAT = "phosor.format";
  static final String MAX_SEQ = "phosor.maxSeq";
  static final String MIN_SEQ = "phosor.minSeq";
  static final String MIN_TS = "phosor.minTimestamp";
  static final String MAX_TS = "phosor.maxTimestamp";
  static final String POSITION = "phosor.position";
  static final String FIELDS = "phosor.fields";
  /** Bumped when the document mapping changes incompatibly. */
  static final String FORMAT_VERSION = "1";
  /**
   * Segments per merge tier (Lucene's default is 8). A refresh every second flushes a small segment, and
   * each merge tier rewrites every event once more; with 20 a day's events are rewritten about one time
   * fewer, which saved ~10 % of indexing CPU (BENCHMARKS.md). Searches read segments newest first and stop
   * early, so a few more segments cost them little.
   */
  static final double SEGMENTS_PER_TIER = 20;
  /** Segments below this size count as this size when picking merges (Lucene's default is 16 MB). */
  static final double FLOOR_SEGMENT_MB = 32;

  final LocalDate day;
  final Path path;
  private final FSDirectory dir;
  final IndexWriter writer;
  final SearcherManager searchers;
  /** Kinds of the fields this partition holds (persisted in its commits). */
  final ConcurrentHashMap<String, Integer> kinds = new ConcurrentHashMap<>();

  /** Highest seq in the last commit, -1 when none. */
  long committedSeq;
  /**
   * The index position that was durable (in index.position) when this partition last committed, -1 when
   * none: every event at or below it is durable, so it is a safe place to resume if index.position is lost.
   */
  long committedPosition;
  /** True when documents were added since the last commit. */
  boolean dirty;

  // spans of everything added (committed or not); -1/MAX for empty
  volatile long minSeq = Long.MAX_VALUE;
  volatile long maxSeq = -1;
  volatile long minTs = Long.MAX_VALUE;
  volatile long maxTs = Long.MIN_VALUE;

  private DayPartition(LocalDate day, Path path, FSDirectory dir, IndexWriter writer) throws IOException {
    this.day = day;
    this.path = path;
    this.dir = dir;
    this.writer = writer;
    Map<String, String> data = new HashMap<>();
    Iterable<Map.Entry<String, String>> live = writer.getLiveCommitData();
    if (live != null) {
      live.forEach(en -> data.put(en.getKey(), en.getValue()));
    }
    String format = data.get(FORMAT);
    if (format != null && !format.equals(FORMAT_VERSION)) {
      throw new IllegalStateException("index partition " + path + " has format " + format + ", this Phosor reads "
          + FORMAT_VERSION + "; move the partition away or reindex it from the journal");
    }
    committedSeq = number(data, MAX_SEQ, -1);
    committedPosition = number(data, POSITION, -1);
    maxSeq = committedSeq;
    minSeq = number(data, MIN_SEQ, Long.MAX_VALUE);
    minTs = number(data, MIN_TS, Long.MAX_VALUE);
    maxTs = number(data, MAX_TS, Long.MIN_VALUE);
    kinds.putAll(FieldKinds.decode(data.get(FIELDS)));
    this.searchers = new SearcherManager(writer, null);
  }

  /** Opens (creating when absent) the partition of {@code day} under {@code root}. */
  static DayPartition open(Path root, LocalDate day, IndexSettings settings, Analyzer analyzer) throws IOException {
    Path path = root.resolve(day.toString());
    Files.createDirectories(path);
    FSDirectory dir = FSDirectory.open(path);
    IndexWriter writer = null;
    try {
      IndexWriterConfig config = new IndexWriterConfig(analyzer)
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
          .setRAMBufferSizeMB(settings.ramBufferMb())
          .setCommitOnClose(false) // close() = discard what is not committed; EventIndex commits explicitly
          // compound files copy every flushed segment once more, and a refresh per second flushes many
          .setUseCompoundFile(false);
      TieredMergePolicy merges = new TieredMergePolicy();
      merges.setNoCFSRatio(0.0);
      merges.setSegmentsPerTier(SEGMENTS_PER_TIER);
      merges.setFloorSegmentMB(FLOOR_SEGMENT_MB);
      config.setMergePolicy(merges);
      writer = new IndexWriter(dir, config);
      return new DayPartition(day, path, dir, writer);
    } catch (IOException | RuntimeException e) {
      if (writer != null) {
        writer.rollback();
      }
      dir.close();
      throw e;
    }
  }

  private static long number(Map<String, String> data, String key, long absent) {
    String v = data.get(key);
    if (v == null) {
      return absent;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("index partition commit data " + key + "=" + v + " is not a number", e);
    }
  }

  /**
   * Records that this partition holds a {@code kind} value of {@code field}; false when that would add a
   * field name beyond {@code maxFieldNames} (the value is then not indexed).
   */
  @Override
  public boolean record(String field, int kind, FieldKinds global, int maxFieldNames) {
    Integer k = kinds.get(field);
    if (k != null && (k & kind) != 0) {
      return true;
    }
    return recordNew(field, kind, global, maxFieldNames);
  }

  private synchronized boolean recordNew(String field, int kind, FieldKinds global, int maxFieldNames) {
    if (!global.known(field) && global.names() >= maxFieldNames) {
      return false;
    }
    kinds.merge(field, kind, (a, b) -> a | b);
    global.add(field, kind);
    return true;
  }

  /** Notes an event routed here (indexer thread), before its document is added. */
  void noteAdded(long seq, long timestamp) {
    if (seq < minSeq) {
      minSeq = seq;
    }
    if (seq > maxSeq) {
      maxSeq = seq;
    }
    if (timestamp < minTs) {
      minTs = timestamp;
    }
    if (timestamp > maxTs) {
      maxTs = timestamp;
    }
    dirty = true;
  }

  /** True when it may hold events with event time in {@code [from, to)} (epoch ms). */
  boolean overlaps(long from, long to) {
    return maxSeq >= 0 && maxTs >= from && minTs < to;
  }

  /** True when it may hold the event with seq {@code id}. */
  boolean mayHold(long id) {
    return id >= minSeq && id <= maxSeq;
  }

  /** Makes everything added durable, recording {@code durablePosition} (see {@link #committedPosition}). */
  void commit(long durablePosition) throws IOException {
    Map<String, String> data = new HashMap<>();
    data.put(FORMAT, FORMAT_VERSION);
    data.put(MAX_SEQ, Long.toString(maxSeq));
    data.put(MIN_SEQ, Long.toString(minSeq));
    data.put(MIN_TS, Long.toString(minTs));
    data.put(MAX_TS, Long.toString(maxTs));
    data.put(POSITION, Long.toString(durablePosition));
    data.put(FIELDS, FieldKinds.encode(kinds));
    writer.setLiveCommitData(data.entrySet());
    writer.commit();
    committedSeq = maxSeq;
    committedPosition = durablePosition;
    dirty = false;
  }

  /** Events added (visible to search or not). */
  long docs() {
    return writer.getDocStats().numDocs;
  }

  /** Bytes of the partition's files on disk (files merged away meanwhile are skipped). */
  long bytes() {
    long total = 0;
    try {
      for (String name : dir.listAll()) {
        try {
          total += dir.fileLength(name);
        } catch (NoSuchFileException | FileNotFoundException gone) {
          // merged away while we were counting
        }
      }
    } catch (IOException e) {
      return total;
    }
    return total;
  }

  Instant minTimestamp() {
    return maxSeq < 0 ? null : Instant.ofEpochMilli(minTs);
  }

  Instant maxTimestamp() {
    return maxSeq < 0 ? null : Instant.ofEpochMilli(maxTs);
  }

  /** Borrows the current near-real-time searcher; give it back with {@link #release}. */
  IndexSearcher acquire() throws IOException {
    return searchers.acquire();
  }

  void release(IndexSearcher s) throws IOException {
    searchers.release(s);
  }

  /** Closes without committing: whatever was added since the last commit is discarded. */
  @Override
  public void close() throws IOException {
    try {
      searchers.close();
    } finally {
      try {
        writer.close();
      } finally {
        dir.close();
      }
    }
  }

  /** Closes and deletes the partition's directory (retention). */
  void closeAndDelete() throws IOException {
    close();
    deleteTree(path);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
