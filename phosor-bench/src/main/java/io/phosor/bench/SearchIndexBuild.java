package io.phosor.bench;

import io.phosor.event.Event;
import io.phosor.search.EventIndex;
import io.phosor.search.IndexSettings;
import io.phosor.search.IndexStats;
import io.phosor.search.SearchRequest;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * SPEC section 7 / BENCHMARKS.md: sustained indexing rate and disk bytes per event. A measured run, not a
 * JMH timing: builds a fresh index of N {@link SearchWorkload} events (default 10,000,000 over 3 days) the
 * way the server's indexer thread does (batches of 1,000, {@code refresh()} every second, {@code commit()}
 * every 10 s, a final commit), prints the rate per million and overall, then the index size.
 * Process CPU time per event is printed too: on a shared VM it varies less than the wall-clock rate.
 * Usage: {@code java -cp target/phosor-bench.jar io.phosor.bench.SearchIndexBuild <indexDir> [events] [days]
 * [indexThreads] [ramBufferMb] [refreshMs] [workload] [searchEveryMs]}: with {@code searchEveryMs} > 0 a search
 * runs that often while building, which keeps the index refreshing every {@code refreshMs} as a server does
 * while someone searches; with 0 (default) nobody searches and refreshes are deferred
 * ({@link EventIndex#refreshIfSearched()}).
 */
public final class SearchIndexBuild {
  private SearchIndexBuild() {}

  /** Builds the index; exit code 0. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/search-index");
    long events = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
    int days = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    int ramMb = args.length > 4 ? Integer.parseInt(args[4]) : IndexSettings.DEFAULT_RAM_BUFFER_MB;
    long refreshNanos = (args.length > 5 ? Long.parseLong(args[5]) : 1_000L) * 1_000_000L;
    Path workload = Path.of(args.length > 6 ? args[6] : "target/data/events-200k.log");
    // a dashboard searching this often keeps the per-second refresh going; 0 = nobody searches while building
    long searchEveryNanos = (args.length > 7 ? Long.parseLong(args[7]) : 0L) * 1_000_000L;
    int batchSize = 1_000;

    SearchWorkload w = SearchWorkload.load(workload, events, Duration.ofDays(days));
    deleteTree(dir);
    Clock clock = Clock.fixed(w.end(), ZoneOffset.UTC); // retention counts from the end of the data
    IndexSettings settings = IndexSettings.defaults().withIndexThreads(threads).withRamBufferMb(ramMb);
    System.out.printf("[search-index] building %,d events over %d days into %s (indexThreads=%d, ramBufferMb=%d, "
        + "batch=%d, refresh every %d ms while searched, a search every %d ms, commit every 10 s)%n", events, days,
        dir, threads, ramMb, batchSize, refreshNanos / 1_000_000, searchEveryNanos / 1_000_000);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long chunkCpu = cpuStart;

    long genNanos = 0;
    long start = System.nanoTime();
    long lastRefresh = start;
    long lastCommit = start;
    long chunkStart = start;
    long lastSearch = start;
    long searches = 0;
    try (EventIndex index = EventIndex.open(dir, settings, clock)) {
      List<Event> batch = new ArrayList<>(batchSize);
      for (long i = 0; i < events; i += batchSize) {
        long g = System.nanoTime();
        batch.clear();
        for (long j = i; j < Math.min(events, i + batchSize); j++) {
          batch.add(w.event(j));
        }
        genNanos += System.nanoTime() - g;
        index.add(batch);
        long now = System.nanoTime();
        if (now - lastRefresh >= refreshNanos) {
          if (searchEveryNanos > 0 && now - lastSearch >= searchEveryNanos) {
            index.search(SearchRequest.of("user.name:root"));
            searches++;
            lastSearch = now;
          }
          index.refreshIfSearched(); // as the server: a refresh per second while anyone searches
          lastRefresh = now;
        }
        if (now - lastCommit >= 10_000_000_000L) {
          index.commit();
          lastCommit = now;
        }
        long done = i + batch.size();
        if (done % 1_000_000 == 0) {
          long t = System.nanoTime();
          long cpu = os.getProcessCpuTime();
          System.out.printf("[search-index] %,d events: %,.0f events/s, %.1f us CPU/event over the last million%n",
              done, 1e6 / ((t - chunkStart) / 1e9), (cpu - chunkCpu) / 1e3 / 1e6);
          chunkStart = t;
          chunkCpu = cpu;
        }
      }
      index.commit();
      index.refresh();
      double secs = (System.nanoTime() - start) / 1e9;
      double cpuMicros = (os.getProcessCpuTime() - cpuStart) / 1e3 / events;
      IndexStats s = index.stats();
      System.out.printf("[search-index] %,d events in %.1f s = %,.0f events/s sustained (generating the events took"
          + " %.1f s of it; add+refresh+commit alone = %,.0f events/s)%n", events, secs, events / secs, genNanos / 1e9,
          events / (secs - genNanos / 1e9));
      System.out.printf("[search-index] process CPU (all threads: indexing, merges, GC, JIT): %.1f us/event = %,.0f"
          + " events/s per fully available core%n", cpuMicros, 1e6 / cpuMicros);
      System.out.printf("[search-index] on disk: %,d bytes = %.1f bytes/event (%,d docs); partitions:%n", s.bytes(),
          (double) s.bytes() / s.docs(), s.docs());
      for (IndexStats.Partition p : s.partitions()) {
        System.out.printf("[search-index]   %s  %,d docs  %,d bytes  event time %s .. %s%n", p.day(), p.docs(),
            p.bytes(), p.minTimestamp(), p.maxTimestamp());
      }
      long gcCount = 0;
      long gcMs = 0;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        gcCount += Math.max(0, gc.getCollectionCount());
        gcMs += Math.max(0, gc.getCollectionTime());
      }
      System.out.printf("[search-index] GC: %d collections, %,d ms; skipped: %d expired, %d duplicate; resumeSeq %,d;"
          + " %d searches while building%n", gcCount, gcMs, s.skippedExpired(), s.skippedDuplicate(), s.resumeSeq(),
          searches);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
