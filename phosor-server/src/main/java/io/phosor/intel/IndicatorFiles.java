package io.phosor.intel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local indicator files of one directory, kept loaded: {@link #poll()} (every second on its own thread,
 * acting once per reload interval of the injected clock) looks at each file's modification time and size and
 * reads the files that changed, appeared or went away, then builds a new {@link IndicatorIndex} and swaps it
 * in atomically. A file that cannot be read keeps its previous good entries; its problem (file and line) is
 * logged once per version of the file, counted ({@code phosor_intel_file_errors_total}) and shown in
 * {@link #status()} and the health check. Other files load regardless.
 */
final class IndicatorFiles implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndicatorFiles.class);
  /** Largest file read: a few million addresses as text; a larger file is refused with a clear error. */
  static final long MAX_FILE_BYTES = 128L << 20;
  /** Most address blocks one file may hold. */
  static final int MAX_ENTRIES_PER_FILE = 2_000_000;
  /** Most address blocks in all: about 100 MB of index at the worst; below {@link IndicatorIndex#MAX_REFS}. */
  static final int MAX_ENTRIES_TOTAL = 5_000_000;
  /** Most files read from the directory. */
  static final int MAX_FILES = 1000;

  /** One file's state as loaded. */
  private static final class State {
    final String name;
    final String format;
    long modified;
    long size;
    FileEntries good;
    Instant loadedAt;
    String error;
    long errorLine;

    State(String name, String format) {
      this.name = name;
      this.format = format;
    }
  }

  private final Path dir;
  private final Duration interval;
  private final Clock clock;
  private final long maxFileBytes;
  private final int maxPerFile;
  private final int maxTotal;
  private final Map<String, State> files = new TreeMap<>();
  private final Counter errors;
  private final Counter unsupported;
  private final Map<String, String> overLimit = new ConcurrentHashMap<>();
  private volatile IndicatorIndex index = IndicatorIndex.EMPTY;
  private volatile List<Map<String, Object>> status = List.of();
  private volatile Instant lastReload;
  private volatile String problem;
  private long nextPoll = Long.MIN_VALUE;
  private ScheduledExecutorService timer;

  /** Files of {@code dir}, checked every {@code interval}, with the default limits. */
  IndicatorFiles(Path dir, Duration interval, MeterRegistry registry, Clock clock) {
    this(dir, interval, registry, clock, MAX_FILE_BYTES, MAX_ENTRIES_PER_FILE, MAX_ENTRIES_TOTAL);
  }

  /** Same, with limits (tests use small ones). */
  IndicatorFiles(Path dir, Duration interval, MeterRegistry registry, Clock clock, long maxFileBytes, int maxPerFile,
      int maxTotal) {
    this.dir = dir;
    this.interval = interval;
    this.clock = clock;
    this.maxFileBytes = maxFileBytes;
    this.maxPerFile = maxPerFile;
    this.maxTotal = Math.min(maxTotal, IndicatorIndex.MAX_REFS - 1);
    this.errors = Counter.builder("phosor_intel_file_errors").description("Indicator files (versions) that could "
        + "not be loaded: bad line, too large, unreadable; the previous good entries stay").register(registry);
    this.unsupported = Counter.builder("phosor_intel_unsupported").description("Indicators skipped because their "
        + "form is not read (STIX patterns other than address lists, CSV rows of other types)").register(registry);
    Gauge.builder("phosor_intel_entries", this, f -> f.index.size()).description("Address blocks loaded from "
        + "indicator files").register(registry);
  }

  /** The index in force (swapped atomically on reload). */
  IndicatorIndex index() {
    return index;
  }

  /** The directory watched. */
  Path dir() {
    return dir;
  }

  /** Reloads now if the reload interval has passed on the clock since the last check. */
  synchronized void poll() {
    long now = clock.millis();
    if (now < nextPoll) {
      return;
    }
    nextPoll = now + interval.toMillis();
    scan();
  }

  /** Checks every file now and reloads what changed. */
  synchronized void scan() {
    Map<String, BasicFileAttributes> present = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (IndicatorParsers.formatOf(name) == null) {
            continue;
          }
          try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            if (a.isRegularFile()) {
              present.put(name, a);
            }
          } catch (IOException e) {
            // gone between listing and reading: treated as absent
          }
        }
      } catch (IOException e) {
        fail("cannot list " + dir + ": " + e.getMessage());
        return;
      }
    }
    boolean changed = files.keySet().retainAll(present.keySet());
    int n = 0;
    for (Map.Entry<String, BasicFileAttributes> e : present.entrySet()) {
      if (++n > MAX_FILES) {
        LOG.warn("intel: more than {} indicator files in {}; the rest are ignored", MAX_FILES, dir);
        break;
      }
      State s = files.computeIfAbsent(e.getKey(), k -> new State(k, IndicatorParsers.formatOf(k)));
      long modified = e.getValue().lastModifiedTime().to(TimeUnit.NANOSECONDS);
      long size = e.getValue().size();
      if (s.loadedAt != null || s.error != null) {
        if (s.modified == modified && s.size == size) {
          continue;
        }
      }
      s.modified = modified;
      s.size = size;
      load(s);
      changed = true;
    }
    if (changed || lastReload == null) {
      rebuild();
    }
  }

  private void load(State s) {
    Path p = dir.resolve(s.name);
    try {
      if (s.size > maxFileBytes) {
        throw new IndicatorFileException(s.name, 0, "the file is " + s.size + " bytes, more than the "
            + limitText(maxFileBytes) + " limit for one indicator file");
      }
      FileEntries entries;
      try (InputStream in = Files.newInputStream(p)) {
        entries = IndicatorParsers.read(s.name, s.format, new LimitedInput(in, maxFileBytes, s.name), maxPerFile);
      }
      s.good = entries;
      s.loadedAt = clock.instant();
      s.error = null;
      s.errorLine = 0;
      if (entries.unsupported > 0) {
        unsupported.increment(entries.unsupported);
      }
      LOG.info("intel: loaded {} ({}): {} address blocks{}{}", s.name, s.format, entries.size(),
          entries.unsupported > 0 ? ", " + entries.unsupported + " unsupported indicators skipped" : "",
          entries.revoked > 0 ? ", " + entries.revoked + " revoked" : "");
    } catch (IndicatorFileException e) {
      refuse(s, e.getMessage(), e.line());
    } catch (NoSuchFileException e) {
      refuse(s, s.name + ": the file went away while it was read", 0);
    } catch (IOException | RuntimeException e) {
      refuse(s, s.name + ": cannot be read: " + e.getMessage(), 0);
    }
  }

  private void refuse(State s, String message, long line) {
    s.error = message;
    s.errorLine = line;
    errors.increment();
    LOG.warn("intel: {}{}", message, s.good != null ? " (its previous version stays loaded)" : "");
  }

  private void fail(String why) {
    problem = why;
    LOG.warn("intel: {}", why);
  }

  private void rebuild() {
    List<FileEntries> use = new ArrayList<>();
    long total = 0;
    overLimit.clear();
    for (State s : files.values()) {
      if (s.good == null) {
        continue;
      }
      if (total + s.good.size() > maxTotal) {
        overLimit.put(s.name, "not loaded: with it the indicator files would hold more than " + maxTotal
            + " address blocks (the limit)");
        if (loggedOverLimit.add(s.name)) {
          errors.increment();
          LOG.warn("intel: {} {}", s.name, overLimit.get(s.name));
        }
        continue;
      }
      total += s.good.size();
      use.add(s.good);
    }
    loggedOverLimit.retainAll(overLimit.keySet());
    IndicatorIndex built = IndicatorIndex.build(use);
    index = built;
    lastReload = clock.instant();
    List<Map<String, Object>> st = new ArrayList<>();
    String firstProblem = null;
    for (State s : files.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", s.name);
      m.put("format", s.format);
      m.put("size", s.size);
      m.put("entries", s.good == null ? 0 : s.good.size());
      m.put("unsupported", s.good == null ? 0 : s.good.unsupported);
      m.put("revoked", s.good == null ? 0 : s.good.revoked);
      m.put("loaded_at", s.loadedAt == null ? null : s.loadedAt.toString());
      String err = s.error != null ? s.error : overLimit.containsKey(s.name) ? s.name + ": " + overLimit.get(s.name) : null;
      m.put("error", err);
      m.put("error_line", s.error != null && s.errorLine > 0 ? s.errorLine : null);
      m.put("in_use", s.good != null && !overLimit.containsKey(s.name));
      st.add(m);
      if (err != null && firstProblem == null) {
        firstProblem = err;
      }
    }
    status = List.copyOf(st);
    problem = firstProblem;
    LOG.debug("intel: index rebuilt, {} address blocks from {} files", built.size(), use.size());
  }

  private final java.util.Set<String> loggedOverLimit = new java.util.HashSet<>();

  static String limitText(long bytes) {
    return bytes >= (1 << 20) ? (bytes >> 20) + " MiB" : bytes + " bytes";
  }

  /** Every file's state: entries, when loaded, its error. */
  List<Map<String, Object>> status() {
    return status;
  }

  /** When the index was last rebuilt, or null. */
  Instant lastReload() {
    return lastReload;
  }

  /** The first file problem (for health), or null when every file loaded. */
  String problem() {
    return problem;
  }

  /** Loads the files now and starts checking them on a daemon thread. */
  void start() {
    scan();
    nextPoll = clock.millis() + interval.toMillis();
    timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("phosor-intel-files").daemon().factory());
    timer.scheduleWithFixedDelay(() -> {
      try {
        poll();
      } catch (RuntimeException e) {
        LOG.error("intel: reloading indicator files failed: {}", e.toString(), e);
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdown(); // not shutdownNow: an interrupt would close a file channel being read
    }
  }

  /** Stops reading a file at its limit, even when it grew after its size was checked. */
  private static final class LimitedInput extends java.io.FilterInputStream {
    private final long max;
    private final String name;
    private long read;

    LimitedInput(InputStream in, long max, String name) {
      super(in);
      this.max = max;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > max) {
        throw new IndicatorFileException(name, 0, "the file grew past the " + limitText(max) + " limit while it "
            + "was read");
      }
    }
  }
}
