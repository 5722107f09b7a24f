package io.phosor.detect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import io.phosor.parse.EventParser;
import io.phosor.redact.Redactor;
import io.phosor.redact.RedactorOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code phosor replay}: runs the detection engine over log files in file order, line by line, with the
 * server's parser (and redactor). A reader thread reads (1 MiB buffer) chunks of lines; parse workers
 * parse, normalize and redact chunks in parallel; the calling thread owns the engine and takes the parsed
 * batches in file order from a bounded queue of futures (so order is kept however the parsing is spread).
 * Event ids are line numbers within their file, so an alert's {@code event_ids} point at lines.
 */
public final class Replay {
  /** Events per batch handed from the reader to the engine thread: amortizes the queue hand-off. */
  static final int BATCH = 1024;
  /** Batches in flight: bounds memory (about 16k events) while letting the two threads run apart. */
  static final int QUEUE_BATCHES = 16;
  /** Read buffer (chars): big sequential reads. */
  static final int READ_BUFFER = 1 << 20;
  /** Lines longer than this are cut (the server's default syslog frame limit is 64 KiB too). */
  static final int MAX_LINE_CHARS = 64 << 10;

  /** How each line is read. */
  public enum Format {
    /** A line starting with '{' is a JSON object, anything else syslog/text. */
    AUTO,
    /** Every line through {@link EventParser#parseText}. */
    SYSLOG,
    /** Every line a JSON object through {@link EventParser#parseObject}. */
    JSONL
  }

  /**
   * What to run.
   *
   * @param rules the rules
   * @param format how lines are read
   * @param year year for RFC 3164 stamps (the parser's clock is the end of that year), or null for now
   * @param redact whether to redact like the server (default kinds)
   * @param parseThreads threads that parse (and redact) lines in parallel, in order; 1 = the reader parses
   */
  public record Options(List<Rule> rules, Format format, Integer year, boolean redact, int parseThreads) {
    /** Validates. */
    public Options {
      if (parseThreads < 1 || parseThreads > 256) {
        throw new IllegalArgumentException("parse threads must be 1-256, was " + parseThreads);
      }
    }
  }

  /**
   * What a replay did.
   *
   * @param events events processed
   * @param parseFailures events whose line could not be parsed (still processed, as the server does)
   * @param alerts alerts raised
   * @param alertsPerRule alerts per rule id (every rule listed, 0 included), sorted by id
   * @param processNanos first line read to last event processed and {@link Engine#finish} done
   * @param stats the engine's counters at the end
   */
  public record Summary(long events, long parseFailures, long alerts, Map<String, Long> alertsPerRule,
      long processNanos, EngineStats stats) {
    /** Events per second over {@link #processNanos}. */
    public double eventsPerSecond() {
      return processNanos <= 0 ? 0 : events * 1e9 / processNanos;
    }
  }

  private record Batch(int file, Event[] events, int size, long failures) {}

  private static final Batch END = new Batch(-1, new Event[0], 0, 0);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Options options;
  private volatile int currentFile;

  /** A replay with {@code options}; rules are compiled at once (a bad rule throws {@link RuleSetException}). */
  public Replay(Options options) {
    this.options = options;
  }

  /** Index (in the list given to {@link #run}) of the file whose events the engine is processing. */
  public int currentFile() {
    return currentFile;
  }

  /** Replays {@code files} in order and hands every alert to {@code sink} on the calling thread. */
  public Summary run(List<Path> files, AlertSink sink) throws IOException {
    Clock clock = options.year() == null ? Clock.systemUTC() : EventMaker.clockForYear(options.year());
    Engine engine = new Engine(EngineConfig.DEFAULTS, clock);
    try {
      engine.setRules(options.rules());
    } catch (RuleException | IllegalArgumentException e) {
      throw new RuleSetException(e.getMessage());
    }
    Map<String, long[]> perRule = new HashMap<>();
    for (Rule r : options.rules()) {
      perRule.put(r.id(), new long[1]);
    }
    long[] total = new long[1];
    AlertSink counting = a -> {
      total[0]++;
      perRule.computeIfAbsent(a.ruleId(), k -> new long[1])[0]++;
      sink.accept(a);
    };
    EventMaker maker = new EventMaker(new EventParser(clock),
        options.redact() ? new Redactor(Redactor.defaults(), RedactorOptions.DEFAULTS) : null, null, "replay");
    int threads = options.parseThreads();
    BlockingQueue<Future<Batch>> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES + 2 * threads);
    ExecutorService parsers = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "phosor-replay-parse");
      t.setDaemon(true);
      return t;
    });
    Throwable[] failure = new Throwable[1];
    long start = System.nanoTime();
    Thread reader = Thread.ofPlatform().name("phosor-replay-reader").daemon().start(() -> {
      try {
        read(files, maker, clock.instant(), queue, parsers);
      } catch (Throwable t) {
        failure[0] = t;
      } finally {
        putUninterruptibly(queue, CompletableFuture.completedFuture(END));
      }
    });
    long events = 0;
    long failures = 0;
    try {
      while (true) {
        Batch b = next(queue);
        if (b == END) {
          break;
        }
        currentFile = b.file();
        Event[] ev = b.events();
        for (int i = 0, n = b.size(); i < n; i++) {
          engine.process(ev[i], counting);
        }
        events += b.size();
        failures += b.failures();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reader.interrupt();
      throw new IOException("replay interrupted", e);
    } finally {
      if (parsers != null) {
        parsers.shutdownNow();
      }
    }
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] instanceof UncheckedIOException u) {
      throw u.getCause();
    } else if (failure[0] instanceof IOException io) {
      throw io;
    } else if (failure[0] instanceof RuntimeException re) {
      throw re;
    } else if (failure[0] instanceof Error err) {
      throw err;
    }
    engine.finish(counting);
    long elapsed = System.nanoTime() - start;
    Map<String, Long> counts = new TreeMap<>();
    perRule.forEach((k, v) -> counts.put(k, v[0]));
    return new Summary(events, failures, total[0], counts, elapsed, engine.stats());
  }

  /** Lines of one file read by the reader thread, parsed by a parse worker. */
  private record Chunk(int file, String[] lines, long[] lineNos, int size) {}

  private void read(List<Path> files, EventMaker maker, Instant ingested, BlockingQueue<Future<Batch>> queue,
      ExecutorService parsers) throws IOException, InterruptedException {
    for (int f = 0; f < files.size(); f++) {
      var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
      try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(files.get(f)), decoder),
          READ_BUFFER)) {
        String[] lines = new String[BATCH];
        long[] nos = new long[BATCH];
        int n = 0;
        long lineNo = 0;
        String line;
        while ((line = r.readLine()) != null) {
          lineNo++;
          if (line.isEmpty()) {
            continue;
          }
          lines[n] = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line;
          nos[n++] = lineNo;
          if (n == BATCH) {
            submit(new Chunk(f, lines, nos, n), maker, ingested, queue, parsers);
            lines = new String[BATCH];
            nos = new long[BATCH];
            n = 0;
          }
        }
        if (n > 0) {
          submit(new Chunk(f, lines, nos, n), maker, ingested, queue, parsers);
        }
      }
    }
  }

  private void submit(Chunk c, EventMaker maker, Instant ingested, BlockingQueue<Future<Batch>> queue,
      ExecutorService parsers) throws InterruptedException {
    if (parsers == null) {
      queue.put(CompletableFuture.completedFuture(parse(c, maker, ingested)));
    } else {
      queue.put(parsers.submit(() -> parse(c, maker, ingested)));
    }
  }

  private Batch parse(Chunk c, EventMaker maker, Instant ingested) {
    Format format = options.format();
    Event[] out = new Event[c.size()];
    long failures = 0;
    for (int i = 0; i < c.size(); i++) {
      String line = c.lines()[i];
      Event e = switch (format) {
        case SYSLOG -> maker.text(line, ingested);
        case JSONL -> json(maker, line, ingested, true);
        case AUTO -> firstNonBlank(line) == '{' ? json(maker, line, ingested, false) : maker.text(line, ingested);
      };
      e.seq(c.lineNos()[i]);
      if (e.parseFailed()) {
        failures++;
      }
      out[i] = e;
    }
    return new Batch(c.file(), out, c.size(), failures);
  }

  private static Event json(EventMaker maker, String line, Instant ingested, boolean strict) {
    Map<String, Object> map;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(line, LinkedHashMap.class);
      map = m;
    } catch (JsonProcessingException | ClassCastException e) {
      // Not a JSON object: the text parser keeps the line and marks it as a parse failure when it
      // claims to be JSON, exactly as a bad line from a tailed file.
      Event ev = maker.text(line, ingested);
      if (strict && !ev.parseFailed()) {
        ev.parseError("not a JSON object");
      }
      return ev;
    }
    return maker.object(map, line, ingested);
  }

  private static char firstNonBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\t') {
        return c;
      }
    }
    return 0;
  }

  private static Batch next(BlockingQueue<Future<Batch>> queue) throws InterruptedException {
    Future<Batch> f = queue.take();
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  private static void putUninterruptibly(BlockingQueue<Future<Batch>> q, Future<Batch> b) {
    boolean interrupted = false;
    while (true) {
      try {
        q.put(b);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
