package io.phosor.ingest.file;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import io.phosor.parse.EventParser;
import io.phosor.pipeline.Pipeline;
import io.phosor.redact.Redactor;
import io.phosor.stats.SourceStats;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real journal, pipeline and tailer over a data directory, restartable like the server. */
final class TailerRig implements AutoCloseable {
  final Path dataDir;
  final Path logs;
  final Path journalDir;
  final PhosorConfig config;
  final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  Journal journal;
  Pipeline pipeline;
  SourceStats stats;
  FileTailer tailer;

  TailerRig(Path root) {
    this(root, Map.of());
  }

  TailerRig(Path root, Map<String, String> extraEnv) {
    this.dataDir = root.resolve("data");
    this.logs = root.resolve("logs");
    this.journalDir = dataDir.resolve("journal");
    try {
      Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>(Map.of("PHOSOR_DATA_DIR", dataDir.toString(), "PHOSOR_FILE_ALLOWED_DIRS",
        logs.toString(), "PHOSOR_SYSLOG_PORT", "0", "PHOSOR_HTTP_PORT", "0"));
    env.putAll(extraEnv);
    this.config = ConfigLoader.load(null, env);
  }

  /** Opens the journal, starts the pipeline and the tailer. */
  TailerRig start() {
    return start(true);
  }

  TailerRig start(boolean startPipeline) {
    try {
      journal = Journal.open(journalDir, config.journalSegmentBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    stats = new SourceStats(registry);
    pipeline = new Pipeline(config, new EventParser(clock), new Redactor(Redactor.defaults()), journal, stats,
        registry, clock);
    if (startPipeline) {
      pipeline.start();
    }
    tailer = new FileTailer(config, pipeline, stats, clock, journalDir);
    tailer.start();
    return this;
  }

  /** Stops like a graceful shutdown: sources first, then the pipeline. */
  void stop() {
    tailer.close();
    pipeline.shutdown(Duration.ofSeconds(5));
  }

  TailerRig restart() {
    stop();
    return start();
  }

  @Override
  public void close() {
    stop();
  }

  Path log(String name) {
    return logs.resolve(name);
  }

  /** The lines journaled from {@code file}, in journal order. */
  List<String> journaled(Path file) {
    return events(file).stream().map(Event::original).toList();
  }

  List<Event> events(Path file) {
    String source = "file:" + file;
    return Journal.readAll(journalDir).stream().filter(e -> e.source().equals(source)).toList();
  }

  static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void appendLines(Path file, String prefix, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(prefix).append(i).append('\n');
    }
    append(file, sb.toString());
  }

  static List<String> lines(String prefix, int from, int to) {
    return java.util.stream.IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }
}
