package io.phosor.bench;

import io.phosor.search.EventIndex;
import io.phosor.search.IndexSettings;
import io.phosor.search.SearchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Search latency over the index built by {@link SearchIndexBuild} (10,000,000 events over 3 days, see
 * phosor-bench/run-search-bench.sh). Sample-time mode: JMH reports p50/p90/p99 of single calls, one thread.
 * Targets: a term query <= 100 ms, a one-day histogram <= 500 ms.
 * <ul>
 *   <li>{@code term}: {@code user.name:root}, all 3 days, newest 100 events with their JSON</li>
 *   <li>{@code text}: the phrase {@code "Failed password"} over message and event.original, newest 100</li>
 *   <li>{@code cidr}: {@code source.ip:"10.1.0.0/16"}, newest 100</li>
 *   <li>{@code termPage5}: the term query's fifth page of 100 (cursor paging)</li>
 *   <li>{@code histogramDay}: every event of the middle day, 1-minute buckets (1,440)</li>
 *   <li>{@code histogramDayTerm}: {@code event.action:ssh_failed_password} over the middle day, 1-minute buckets</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SearchBench {
  /** The index directory built by SearchIndexBuild. */
  @Param("target/search-index")
  public String index;

  /** Which query to time. */
  @Param({"term", "text", "cidr", "termPage5", "histogramDay", "histogramDayTerm"})
  public String query;

  private EventIndex idx;
  private final Instant dayStart = SearchWorkload.START.plus(Duration.ofDays(1));
  private String page5Cursor;

  /** Opens the index (read only in effect: nothing is added). */
  @Setup(Level.Trial)
  public void open() throws IOException {
    Path dir = Path.of(index);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("index " + dir.toAbsolutePath() + " is missing; run phosor-bench/run-search-bench.sh");
    }
    Clock clock = Clock.fixed(SearchWorkload.START.plus(Duration.ofDays(3)), ZoneOffset.UTC);
    idx = EventIndex.open(dir, IndexSettings.defaults(), clock);
    SearchRequest r = new SearchRequest("user.name:root", null, null, 100, null);
    for (int i = 0; i < 4; i++) {
      r = r.after(idx.search(r).nextCursor());
    }
    page5Cursor = r.cursor();
  }

  /** Closes the index. */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    idx.close();
  }

  /** One call of the chosen query. */
  @Benchmark
  public Object run() {
    return switch (query) {
      case "term" -> idx.search(new SearchRequest("user.name:root", null, null, 100, null));
      case "text" -> idx.search(new SearchRequest("\"Failed password\"", null, null, 100, null));
      case "cidr" -> idx.search(new SearchRequest("source.ip:\"10.1.0.0/16\"", null, null, 100, null));
      case "termPage5" -> idx.search(new SearchRequest("user.name:root", null, null, 100, page5Cursor));
      case "histogramDay" -> idx.histogram("", dayStart, dayStart.plus(Duration.ofDays(1)), Duration.ofMinutes(1));
      case "histogramDayTerm" -> idx.histogram("event.action:ssh_failed_password", dayStart,
          dayStart.plus(Duration.ofDays(1)), Duration.ofMinutes(1));
      default -> throw new IllegalArgumentException("unknown query " + query);
    };
  }
}
