package io.phosor.bench;

import io.phosor.event.Event;
import io.phosor.parse.EventParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deterministic events for the index benchmarks: the {@code ../shared/bench} workload (gen.py, seed 42,
 * 200,000 RFC 3164 lines: ~64 % nginx access, sshd, sudo, cron, kernel UFW, postfix, systemd) is parsed
 * ONCE; event {@code i} is template {@code i mod 200,000} with seq {@code i}, ingest time spread evenly over
 * {@code span} from {@link #START}, and event time 0-1.999 s before its ingest time. So N events are
 * N / 200,000 replays of 200,000 distinct real-looking lines, spread over days like a live feed.
 */
public final class SearchWorkload {
  /** First ingest time: three UTC days are 2024-11-19, -20 and -21. */
  public static final Instant START = Instant.parse("2024-11-19T00:00:00Z");

  private final Event[] templates;
  private final long total;
  private final long spanMillis;

  private SearchWorkload(Event[] templates, long total, Duration span) {
    this.templates = templates;
    this.total = total;
    this.spanMillis = span.toMillis();
  }

  /** Parses the workload file; {@code total} events will be spread over {@code span}. */
  public static SearchWorkload load(Path file, long total, Duration span) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("workload " + file.toAbsolutePath() + " is missing; run phosor-bench/run-search-bench.sh");
    }
    EventParser parser = new EventParser(Clock.fixed(Instant.parse("2024-11-22T00:00:00Z"), ZoneOffset.UTC));
    List<String> lines;
    try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
      lines = s.limit(200_000).toList();
    }
    Event[] templates = new Event[lines.size()];
    for (int i = 0; i < templates.length; i++) {
      templates[i] = parser.parseText("syslog", "10.0.0.1:514", ZoneOffset.UTC, START, lines.get(i));
    }
    return new SearchWorkload(templates, total, span);
  }

  /** The end of the ingest span. */
  public Instant end() {
    return START.plusMillis(spanMillis);
  }

  /** Event number {@code i} (0-based): a fresh copy, safe to hand to the index. */
  public Event event(long i) {
    Event t = templates[(int) (i % templates.length)];
    Instant ingested = START.plusMillis((long) ((double) i * spanMillis / total));
    Event e = new Event(t.source(), t.sourceAddress(), ingested, t.original());
    e.timestamp(ingested.minusMillis((i * 7919) % 2000)); // event time a little before arrival
    e.mutableFields().putAll(t.fields());
    if (t.parseError() != null) {
      e.parseError(t.parseError());
    }
    e.seq(i);
    return e;
  }
}
