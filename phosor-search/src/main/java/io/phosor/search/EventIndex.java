package io.phosor.search;

import io.phosor.event.Event;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event index (SPEC section 7): one Lucene partition per UTC ingest day under {@code dir}, retention by
 * whole partitions, near-real-time search in Lucene query syntax, newest first with cursor paging, and
 * time histograms. Documented in docs/search.md.
 *
 * <p><b>Exactly once from the journal.</b> Events arrive in journal order ({@code seq} increasing). Every
 * partition commit records the highest seq it holds; after all partitions have committed,
 * {@code index.position} records the highest seq handled. After a crash the server re-reads the journal
 * from {@link #resumeSeq()} and calls {@link #add} again: an event at or below the position, or at or
 * below its partition's committed seq, is skipped as a duplicate, so each event is indexed once.
 *
 * <p><b>Threads.</b> {@link #add}, {@link #commit} and {@link #dropExpired} are for one indexer thread
 * (they are also serialized internally); {@link #search}, {@link #get}, {@link #histogram}, {@link #stats}
 * and {@link #refresh} may be called from any number of threads at once. After an {@link IOException}
 * from {@link #add} or {@link #commit} the index refuses further writes: close it and open it again, it
 * resumes from the last durable position.
 */
public final class EventIndex implements Closeable {
  /**
   * A first page counts hits exactly up to at least this many (all of them when Lucene can count without
   * iterating, as for a single term or every event); beyond, {@link SearchPage#total()} may be a lower bound.
   */
  public static final int TOTAL_HITS_THRESHOLD = 10_000;
  /** Most histogram buckets: a chart is at most a few thousand pixels wide. */
  public static final int MAX_BUCKETS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(EventIndex.class);
  private static final String LOCK_NAME = "phosor-index.lock";
  /**
   * After this long without a search, {@link #refreshIfSearched()} defers refreshes to the next search
   * (Elasticsearch's {@code index.search.idle.after} default).
   */
  public static final Duration SEARCH_IDLE_AFTER = Duration.ofSeconds(30);
  /** Below this many events per thread, a batch is indexed on the caller's thread alone. */
  private static final int MIN_EVENTS_PER_THREAD = 256;

  private final Path root;
  private final IndexSettings settings;
  private final Clock clock;
  private final FSDirectory lockDir;
  private final Lock lock;
  private final Analyzer analyzer = new TextAnalyzer();
  private final FieldKinds kinds = new FieldKinds();
  private final LongAdder skippedExpired = new LongAdder();
  private final LongAdder skippedDuplicate = new LongAdder();
  private final LongAdder notIndexed = new LongAdder();
  private final EventDocuments documents;
  private final ExecutorService pool;
  private final ThreadLocal<EventDocuments.Scratch> scratch = ThreadLocal.withInitial(EventDocuments.Scratch::new);

  private final Object writeLock = new Object();
  /** Writer-side view of the partitions; guarded by writeLock. */
  private final TreeMap<LocalDate, DayPartition> byDay = new TreeMap<>();
  /** Immutable snapshot of the partitions (oldest first) for readers. */
  private volatile List<DayPartition> partitions = List.of();
  /** Highest seq handed to add (indexed or skipped); guarded by writeLock. */
  private long seenSeq;
  /** Highest seq known durable: the content of index.position. */
  private volatile long durableSeq;
  private volatile boolean closed;
  /** When the last search, get or histogram started (clock millis); the open counts as one. */
  private volatile long lastSearchMillis;
  /** True when {@link #refreshIfSearched()} skipped a refresh that no search has made up for yet. */
  private volatile boolean refreshDeferred;
  /** Set when a write failed: the in-memory positions may be ahead of the documents. */
  private volatile IOException broken;

  /** Test seam: runs after each partition commit (a test throws here to simulate a crash mid-commit). */
  Consumer<LocalDate> afterPartitionCommit = day -> {};

  private EventIndex(Path root, IndexSettings settings, Clock clock, FSDirectory lockDir, Lock lock) {
    this.root = root;
    this.settings = settings;
    this.clock = clock;
    this.lockDir = lockDir;
    this.lock = lock;
    this.documents = new EventDocuments(settings, kinds, notIndexed);
    this.lastSearchMillis = clock.millis();
    if (settings.indexThreads() > 1) {
      AtomicInteger n = new AtomicInteger();
      this.pool = Executors.newFixedThreadPool(settings.indexThreads() - 1, r -> {
        Thread t = new Thread(r, "phosor-index-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    } else {
      this.pool = null;
    }
  }

  /**
   * Opens the index in {@code dir} (created when absent), drops partitions past retention and positions
   * itself after the last durable event ({@link #resumeSeq()}).
   *
   * @throws IllegalStateException when another process has the index open
   */
  public static EventIndex open(Path dir, IndexSettings settings, Clock clock) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    Files.createDirectories(dir);
    FSDirectory lockDir = FSDirectory.open(dir);
    Lock lock;
    try {
      lock = lockDir.obtainLock(LOCK_NAME);
    } catch (LockObtainFailedException e) {
      lockDir.close();
      throw new IllegalStateException("the event index in " + dir.toAbsolutePath()
          + " is open in another Phosor process; stop it or use another data directory", e);
    }
    EventIndex index = new EventIndex(dir, settings, clock, lockDir, lock);
    try {
      index.load();
      index.dropExpired();
    } catch (IOException | RuntimeException e) {
      index.abandon();
      throw e;
    }
    return index;
  }

  private void load() throws IOException {
    synchronized (writeLock) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
        for (Path d : dirs) {
          LocalDate day = parseDay(d.getFileName().toString());
          if (day != null) {
            DayPartition p = DayPartition.open(root, day, settings, analyzer);
            byDay.put(day, p);
            kinds.merge(p.kinds);
          }
        }
      }
      publish();
      OptionalLong recorded = PositionFile.read(root);
      long position = -1;
      if (recorded.isPresent()) {
        position = recorded.getAsLong();
      } else {
        // index.position lost: every partition recorded the position that was durable when it last committed
        for (DayPartition p : byDay.values()) {
          position = Math.max(position, p.committedPosition);
        }
        if (!byDay.isEmpty()) {
          log.warn("{} is missing or unreadable; resuming from seq {} as recorded by the partitions",
              root.resolve(PositionFile.NAME), position + 1);
        }
      }
      seenSeq = position;
      durableSeq = position;
      log.info("event index {}: {} partitions, resuming at journal seq {}", root, byDay.size(), position + 1);
    }
  }

  private static LocalDate parseDay(String name) {
    if (name.length() != 10) {
      return null;
    }
    try {
      return LocalDate.parse(name);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  // ---- writing (indexer thread) ----------------------------------------------------------------------

  /**
   * Indexes events in journal order. Events already indexed (seq at or below what was handled), and events
   * whose ingest day is past retention, are skipped and counted ({@link #stats()}). Visible to search after
   * the next {@link #refresh()}, durable after the next {@link #commit()}.
   *
   * @throws IllegalArgumentException when an event has no journal seq (it must be journaled first)
   */
  public void add(List<Event> events) throws IOException {
    Objects.requireNonNull(events, "events");
    for (Event e : events) { // validate first: a refused batch changes nothing
      if (e.seq() < 0) {
        throw new IllegalArgumentException("event without a journal seq (seq=" + e.seq()
            + "); only journaled events can be indexed: " + abbreviate(e.original()));
      }
    }
    synchronized (writeLock) {
      ensureWritable();
      LocalDate oldest = oldestKeptDay();
      List<Event> routed = new ArrayList<>(events.size());
      List<DayPartition> targets = new ArrayList<>(events.size());
      DayPartition last = null;
      for (Event e : events) {
        long seq = e.seq();
        if (seq <= seenSeq) {
          skippedDuplicate.increment();
          continue;
        }
        seenSeq = seq;
        LocalDate day = LocalDate.ofInstant(e.ingested(), ZoneOffset.UTC);
        if (day.isBefore(oldest)) {
          skippedExpired.increment();
          continue;
        }
        DayPartition p = last != null && last.day.equals(day) ? last : partition(day);
        last = p;
        if (seq <= p.maxSeq) {
          skippedDuplicate.increment(); // committed in its partition before a crash, position not yet written
          continue;
        }
        p.noteAdded(seq, DateValues.millis(e.timestamp()));
        routed.add(e);
        targets.add(p);
      }
      try {
        index(routed, targets);
      } catch (IOException | RuntimeException e) {
        broken = e instanceof IOException io ? io : new IOException("indexing failed", e);
        throw e;
      }
    }
  }

  private void index(List<Event> events, List<DayPartition> targets) throws IOException {
    int n = events.size();
    int threads = pool == null ? 1 : Math.min(settings.indexThreads(), n / MIN_EVENTS_PER_THREAD);
    if (threads <= 1) {
      indexRange(events, targets, 0, n);
      return;
    }
    List<Future<?>> futures = new ArrayList<>(threads - 1);
    int chunk = (n + threads - 1) / threads;
    for (int t = 1; t < threads; t++) {
      int from = t * chunk;
      int to = Math.min(n, from + chunk);
      futures.add(pool.submit(() -> {
        indexRange(events, targets, from, to);
        return null;
      }));
    }
    IOException failure = null;
    try {
      indexRange(events, targets, 0, Math.min(n, chunk));
    } catch (IOException e) {
      failure = e;
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof IOException io ? io : new IOException("indexing failed", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while indexing", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void indexRange(List<Event> events, List<DayPartition> targets, int from, int to) throws IOException {
    EventDocuments.Scratch s = scratch.get();
    for (int i = from; i < to; i++) {
      DayPartition p = targets.get(i);
      p.writer.addDocument(documents.build(events.get(i), p, s));
    }
  }

  private DayPartition partition(LocalDate day) throws IOException {
    DayPartition p = byDay.get(day);
    if (p == null) {
      p = DayPartition.open(root, day, settings, analyzer);
      byDay.put(day, p);
      kinds.merge(p.kinds);
      publish();
      log.info("event index: opened partition {}", day);
    }
    return p;
  }

  private void publish() {
    partitions = List.copyOf(byDay.values());
  }

  /**
   * Makes everything added durable: commits every partition that changed, then records the position in
   * {@code index.position}.
   */
  public void commit() throws IOException {
    synchronized (writeLock) {
      ensureWritable();
      try {
        commitLocked();
      } catch (IOException | RuntimeException e) {
        broken = e instanceof IOException io ? io : new IOException("commit failed", e);
        throw e;
      }
    }
  }

  private void commitLocked() throws IOException {
    long before = durableSeq;
    for (DayPartition p : byDay.values()) {
      if (p.dirty) {
        p.commit(before);
        afterPartitionCommit.accept(p.day);
      }
    }
    if (seenSeq != durableSeq) {
      PositionFile.write(root, seenSeq);
      durableSeq = seenSeq;
    }
  }

  /** The journal seq to resume indexing from after a restart: the last durable seq + 1. */
  public long resumeSeq() {
    return durableSeq + 1;
  }

  /**
   * Closes and deletes the partitions whose UTC day ended more than {@code retentionDays} days ago by the
   * clock (so every event is kept at least that long after it arrived). Returns how many were dropped.
   */
  public int dropExpired() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return 0;
      }
      LocalDate oldest = oldestKeptDay();
      List<DayPartition> expired = new ArrayList<>(byDay.headMap(oldest, false).values());
      if (expired.isEmpty()) {
        return 0;
      }
      for (DayPartition p : expired) {
        byDay.remove(p.day);
      }
      publish(); // new searches stop seeing them; searches in flight keep their readers until done
      List<Map<String, Integer>> remaining = new ArrayList<>();
      for (DayPartition p : byDay.values()) {
        remaining.add(p.kinds);
      }
      kinds.rebuild(remaining);
      for (DayPartition p : expired) {
        p.closeAndDelete();
        log.info("event index: dropped partition {} (retention {} days)", p.day, settings.retentionDays());
      }
      return expired.size();
    }
  }

  private LocalDate oldestKeptDay() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(settings.retentionDays());
  }

  /** Makes recently added events visible to search now (near-real-time). */
  public void refresh() throws IOException {
    ensureOpen();
    refreshPartitions(false);
  }

  /**
   * Makes recently added events visible to search, as {@link #refresh()}, when anyone searched in the last
   * {@link #SEARCH_IDLE_AFTER}; otherwise defers it to the next search, which then refreshes before it reads.
   * The server calls this every second: each refresh flushes a small segment that merges rewrite later, and
   * while nobody searches that was about 13 % of indexing CPU (BENCHMARKS.md). Elasticsearch does the same
   * for "search idle" shards. Search results are the same either way; only the first search after an idle
   * spell waits for the refresh.
   */
  public void refreshIfSearched() throws IOException {
    ensureOpen();
    long now = clock.millis();
    if (now - lastSearchMillis >= SEARCH_IDLE_AFTER.toMillis()) {
      // flag first, then look again: a search that started meanwhile either is seen here or sees the flag
      refreshDeferred = true;
      if (now - lastSearchMillis >= SEARCH_IDLE_AFTER.toMillis()) {
        return;
      }
    }
    refreshPartitions(false);
  }

  private void refreshPartitions(boolean blocking) throws IOException {
    for (DayPartition p : partitions) {
      try {
        if (blocking) {
          p.searchers.maybeRefreshBlocking();
        } else {
          p.searchers.maybeRefresh();
        }
      } catch (AlreadyClosedException e) {
        // dropped by retention meanwhile
      }
    }
  }

  /** True when every partition's searcher shows everything added (tests). */
  boolean searchersCurrent() throws IOException {
    for (DayPartition p : partitions) {
      IndexSearcher s = p.acquire();
      try {
        if (!((org.apache.lucene.index.DirectoryReader) s.getIndexReader()).isCurrent()) {
          return false;
        }
      } finally {
        p.release(s);
      }
    }
    return true;
  }

  /** Notes that someone searches, and makes deferred events visible first (see {@link #refreshIfSearched}). */
  private void beforeReading() throws IOException {
    lastSearchMillis = clock.millis();
    if (refreshDeferred) {
      refreshPartitions(true);
      refreshDeferred = false; // after, not before: a concurrent search must not read before the refresh is done
    }
  }

  // ---- reading (any thread) --------------------------------------------------------------------------

  /**
   * One page of events matching the request, newest first.
   *
   * @throws QuerySyntaxException when the query is malformed (with the position)
   * @throws SearchLimitException when the query exceeds a limit
   * @throws IllegalArgumentException when the cursor was not issued by this index
   */
  public SearchPage search(SearchRequest request) {
    Objects.requireNonNull(request, "request");
    ensureOpen();
    Query q = parse(request.query());
    FieldDoc after = Cursor.decode(request.cursor());
    long from = request.from() == null ? Long.MIN_VALUE : DateValues.millis(request.from());
    long to = request.to() == null ? Long.MAX_VALUE : DateValues.millis(request.to());
    try (Readers readers = readers(from, to)) {
      IndexSearcher searcher = readers.searcher;
      int limit = request.limit();
      // one more than asked: tells whether there is a next page without an empty last page
      NewestFirst.Result top = NewestFirst.search(searcher, withRange(q, from, to), limit + 1, after != null,
          after == null ? 0 : (Long) after.fields[0], after == null ? 0 : (Long) after.fields[1], TOTAL_HITS_THRESHOLD);
      int n = Math.min(limit, top.docs().length);
      List<Map<String, Object>> events = new ArrayList<>(n);
      StoredFields stored = searcher.storedFields();
      for (int i = 0; i < n; i++) {
        events.add(load(stored, top.docs()[i]));
      }
      String next = top.docs().length > limit ? Cursor.encode(top.timestamps()[n - 1], top.seqs()[n - 1]) : null;
      return new SearchPage(events, next, top.counted(), top.exact());
    } catch (IOException e) {
      throw new UncheckedIOException("search failed: " + e.getMessage(), e);
    }
  }

  /** The event with id (journal seq) {@code id}, as returned by search, if the index holds it. */
  public Optional<Map<String, Object>> get(long id) {
    ensureOpen();
    try {
      beforeReading();
    } catch (IOException e) {
      throw new UncheckedIOException("get " + id + " failed: " + e.getMessage(), e);
    }
    List<DayPartition> ps = partitions;
    for (int i = ps.size() - 1; i >= 0; i--) {
      DayPartition p = ps.get(i);
      if (!p.mayHold(id)) {
        continue;
      }
      IndexSearcher s;
      try {
        s = p.acquire();
      } catch (AlreadyClosedException | IOException e) {
        continue; // dropped meanwhile
      }
      try {
        TopDocs top = s.search(LongPoint.newExactQuery(FieldKinds.ID_FIELD, id), 1);
        if (top.scoreDocs.length > 0) {
          return Optional.of(load(s.storedFields(), top.scoreDocs[0].doc));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("get " + id + " failed: " + e.getMessage(), e);
      } finally {
        try {
          p.release(s);
        } catch (IOException e) {
          log.debug("release failed", e);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Counts of events matching {@code query} per {@code interval} over the event-time range
   * {@code [from, to)}; buckets are aligned to the interval since the epoch (UTC) and empty ones included.
   *
   * @throws SearchLimitException when there would be more than {@link #MAX_BUCKETS} buckets
   */
  public Histogram histogram(String query, Instant from, Instant to, Duration interval) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(interval, "interval");
    ensureOpen();
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("histogram from (" + from + ") must be before to (" + to + ")");
    }
    if (interval.isNegative() || interval.isZero() || interval.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException("histogram interval must be a positive whole number of milliseconds, was "
          + interval);
    }
    long iv = interval.toMillis();
    long fromMs = DateValues.millis(from);
    long toMs = DateValues.millis(to);
    long start = Math.floorDiv(fromMs, iv) * iv;
    long buckets;
    try {
      long span = Math.subtractExact(toMs, start);
      buckets = span / iv + (span % iv == 0 ? 0 : 1);
    } catch (ArithmeticException e) {
      buckets = Long.MAX_VALUE;
    }
    if (buckets > MAX_BUCKETS) {
      long needed = (long) Math.ceil((toMs - (double) start) / MAX_BUCKETS);
      throw new SearchLimitException("histogram buckets", buckets, MAX_BUCKETS,
          "use an interval of at least " + Duration.ofMillis(Math.max(1, needed)) + " or a shorter time range");
    }
    Query q = parse(query);
    try (Readers readers = readers(fromMs, toMs)) {
      long[] counts = readers.searcher.search(withRange(q, fromMs, toMs),
          TimeHistogramCollector.manager(start, iv, (int) buckets, fromMs, toMs));
      List<Histogram.Bucket> out = new ArrayList<>(counts.length);
      long total = 0;
      for (int i = 0; i < counts.length; i++) {
        out.add(new Histogram.Bucket(Instant.ofEpochMilli(start + i * iv), counts[i]));
        total += counts[i];
      }
      return new Histogram(from, to, interval, out, total);
    } catch (IOException e) {
      throw new UncheckedIOException("histogram failed: " + e.getMessage(), e);
    }
  }

  /** What the index holds: partitions, documents, bytes on disk and the skip counters. */
  public IndexStats stats() {
    List<IndexStats.Partition> out = new ArrayList<>();
    long docs = 0;
    long bytes = 0;
    for (DayPartition p : partitions) {
      try {
        long d = p.docs();
        long b = p.bytes();
        out.add(new IndexStats.Partition(p.day, d, b, p.minTimestamp(), p.maxTimestamp()));
        docs += d;
        bytes += b;
      } catch (AlreadyClosedException e) {
        // dropped meanwhile
      }
    }
    return new IndexStats(out, docs, bytes, skippedExpired.sum(), skippedDuplicate.sum(), notIndexed.sum(),
        resumeSeq());
  }

  /** Parses a query as search does, for callers that want to validate one (e.g. a saved search). */
  public void validateQuery(String query) {
    parse(query);
  }

  private Query parse(String query) {
    return EventQueryParser.parse(query, kinds, clock, analyzer);
  }

  private static Query withRange(Query q, long from, long to) {
    if (from == Long.MIN_VALUE && to == Long.MAX_VALUE) {
      return q;
    }
    Query range = LongPoint.newRangeQuery(FieldKinds.TIMESTAMP_FIELD, from, to == Long.MAX_VALUE ? to : to - 1);
    if (q instanceof MatchAllDocsQuery) {
      return range;
    }
    return new BooleanQuery.Builder()
        .add(q, BooleanClause.Occur.FILTER)
        .add(range, BooleanClause.Occur.FILTER)
        .build();
  }

  private static Map<String, Object> load(StoredFields stored, int doc) throws IOException {
    BytesRef json = stored.document(doc, java.util.Set.of(FieldKinds.SOURCE_FIELD)).getBinaryValue(FieldKinds.SOURCE_FIELD);
    return EventDocuments.readJson(json);
  }

  /** Number of partitions a search over {@code [from, to)} reads (the others are skipped by their time span). */
  int partitionsSearched(Instant from, Instant to) {
    long f = from == null ? Long.MIN_VALUE : DateValues.millis(from);
    long t = to == null ? Long.MAX_VALUE : DateValues.millis(to);
    int n = 0;
    for (DayPartition p : partitions) {
      if (p.overlaps(f, t)) {
        n++;
      }
    }
    return n;
  }

  /** The current readers of the partitions that may hold events in {@code [from, to)}, as one searcher. */
  private Readers readers(long from, long to) throws IOException {
    beforeReading();
    List<DayPartition> ps = partitions;
    List<DayPartition> owners = new ArrayList<>(ps.size());
    List<IndexSearcher> borrowed = new ArrayList<>(ps.size());
    try {
      for (DayPartition p : ps) {
        if (!p.overlaps(from, to)) {
          continue;
        }
        try {
          borrowed.add(p.acquire());
          owners.add(p);
        } catch (AlreadyClosedException e) {
          // dropped by retention meanwhile
        }
      }
      IndexReader[] subs = new IndexReader[borrowed.size()];
      for (int i = 0; i < subs.length; i++) {
        subs[i] = borrowed.get(i).getIndexReader();
      }
      return new Readers(new MultiReader(subs, false)); // takes its own reference on each reader
    } finally {
      for (int i = 0; i < borrowed.size(); i++) {
        owners.get(i).release(borrowed.get(i));
      }
    }
  }

  /** A searcher over several partitions' readers; closing it gives the references back. */
  private static final class Readers implements AutoCloseable {
    final MultiReader reader;
    final IndexSearcher searcher;

    Readers(MultiReader reader) {
      this.reader = reader;
      this.searcher = new IndexSearcher(reader);
      // the time range differs in nearly every request (it follows "now"), so cached filters are rarely reused
      this.searcher.setQueryCache(null);
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  // ---- lifecycle -------------------------------------------------------------------------------------

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the event index " + root + " is closed");
    }
  }

  private void ensureWritable() {
    ensureOpen();
    IOException b = broken;
    if (b != null) {
      throw new IllegalStateException("the event index " + root + " failed to write (" + b.getMessage()
          + "); close and reopen it, it resumes from the last durable event", b);
    }
  }

  /** Commits (unless a write failed) and closes every partition. */
  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      try {
        if (broken == null) {
          commitLocked();
        }
      } finally {
        abandon();
      }
    }
  }

  /** Closes everything without committing, like a process that dies (also the cleanup of a failed open). */
  void abandon() throws IOException {
    synchronized (writeLock) {
      closed = true;
      IOException first = null;
      for (DayPartition p : byDay.values()) {
        try {
          p.close();
        } catch (IOException | RuntimeException e) {
          if (first == null) {
            first = e instanceof IOException io ? io : new IOException(e);
          }
        }
      }
      byDay.clear();
      partitions = List.of();
      if (pool != null) {
        pool.shutdownNow();
      }
      try {
        lock.close();
      } finally {
        lockDir.close();
      }
      if (first != null) {
        throw first;
      }
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
