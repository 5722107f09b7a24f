package io.phosor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.detect.AlertJson;
import io.phosor.detect.AlertSink;
import io.phosor.detect.Replay;
import io.phosor.detect.RuleFiles;
import io.phosor.detect.RuleSetException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code phosor replay}: runs the detection engine over log files and prints the alerts (docs/replay.md).
 * Exit 0 when the replay ran, 2 for bad rules or options, 1 for an I/O error while reading.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the detection rules over log files in order and print one JSON alert per line; a summary goes to stderr.")
final class ReplayCommand implements Callable<Integer> {
  @Option(names = "--rules", paramLabel = "FILE_OR_DIR",
      description = "Rule file or directory of *.yml|*.yaml|*.json rules (repeatable).")
  List<Path> rules = new ArrayList<>();

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
      description = "auto (a line starting with '{' is JSON), syslog (every line as text), jsonl (every line a JSON object). Default: ${DEFAULT-VALUE}.")
  String format;

  @Option(names = "--no-builtin", description = "Do not load the built-in rule pack.")
  boolean noBuiltin;

  @Option(names = "--year", paramLabel = "YYYY",
      description = "Year of RFC 3164 timestamps (they have none): the parser's clock is set to the end of that year.")
  Integer year;

  @Option(names = "--no-redact", description = "Do not redact PII before matching (the server does; default: redact).")
  boolean noRedact;

  @Option(names = "--parse-threads", paramLabel = "N",
      description = "Threads that parse (and redact) lines in parallel; order is kept. Default: the number of cores "
          + "(at most 8), one less with --no-redact (parsing alone is cheap enough for the reader thread to keep up).")
  Integer parseThreads;

  @Option(names = "--alerts-out", paramLabel = "FILE", description = "Write alerts to FILE instead of stdout.")
  Path alertsOut;

  @Option(names = "--alerts-format", paramLabel = "FORMAT", defaultValue = "json",
      description = "json (one alert object per line) or tsv (<rule>\\t<last event id>, i.e. the line that fired). Default: ${DEFAULT-VALUE}.")
  String alertsFormat;

  @Parameters(paramLabel = "LOGFILE", arity = "1..*", description = "Log files, replayed in this order.")
  List<Path> files;

  @Override
  public Integer call() {
    Replay.Format fmt;
    try {
      fmt = Replay.Format.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return usage("--format must be auto, syslog or jsonl, was '" + format + "'");
    }
    boolean tsv;
    switch (alertsFormat.toLowerCase(Locale.ROOT)) {
      case "json" -> tsv = false;
      case "tsv" -> tsv = true;
      default -> {
        return usage("--alerts-format must be json or tsv, was '" + alertsFormat + "'");
      }
    }
    if (parseThreads == null) {
      int cores = Math.min(8, Runtime.getRuntime().availableProcessors());
      parseThreads = Math.max(1, noRedact ? cores - 1 : cores);
    }
    if (parseThreads < 1 || parseThreads > 256) {
      return usage("--parse-threads must be 1-256, was " + parseThreads);
    }
    if (year != null && (year < 1970 || year > 9999)) {
      return usage("--year must be a year such as 2024, was " + year);
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
        return usage(f + ": no such readable file");
      }
    }
    List<RuleFiles.Loaded> loaded;
    try {
      List<RuleFiles.Loaded> mine = new ArrayList<>();
      for (Path r : rules) {
        mine.addAll(RuleFiles.load(r));
      }
      loaded = RuleFiles.combine(noBuiltin ? List.of() : RuleFiles.builtin(), mine);
      RuleFiles.compile(loaded);
    } catch (RuleSetException e) {
      return usage(e.getMessage());
    }
    if (loaded.isEmpty()) {
      return usage("no rules: give --rules FILE_OR_DIR (or drop --no-builtin)");
    }
    Replay replay = new Replay(new Replay.Options(RuleFiles.rules(loaded), fmt, year, !noRedact, parseThreads));
    ObjectMapper json = new ObjectMapper();
    boolean many = files.size() > 1;
    try (Writer out = new BufferedWriter(alertsOut == null
        ? new OutputStreamWriter(System.out, StandardCharsets.UTF_8)
        : new OutputStreamWriter(Files.newOutputStream(alertsOut), StandardCharsets.UTF_8), 1 << 16)) {
      AlertSink sink = a -> {
        try {
          if (tsv) {
            List<Long> ids = a.eventIds();
            out.write(a.ruleId());
            out.write('\t');
            out.write(ids.isEmpty() ? "-" : Long.toString(ids.get(ids.size() - 1)));
            out.write('\n');
          } else {
            Map<String, Object> m = AlertJson.toMap(a);
            if (many) {
              m.put("file", files.get(replay.currentFile()).toString());
            }
            out.write(json.writeValueAsString(m));
            out.write('\n');
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      Replay.Summary s = replay.run(files, sink);
      out.flush();
      printSummary(s);
      return 0;
    } catch (RuleSetException e) {
      return usage(e.getMessage());
    } catch (IOException | java.io.UncheckedIOException e) {
      System.err.println("phosor replay: " + e.getMessage());
      return 1;
    }
  }

  private void printSummary(Replay.Summary s) {
    double secs = s.processNanos() / 1e9;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "phosor replay: %,d events (%,d unparsed) in %.3f s = %,.0f events/s; %,d alerts%n",
        s.events(), s.parseFailures(), secs, s.eventsPerSecond(), s.alerts()));
    sb.append(String.format(Locale.ROOT, "late_events=%d suppressed=%d active_groups=%d evictions=%d%n",
        s.stats().lateEvents(), s.stats().suppressed(), s.stats().activeGroups(), s.stats().evictions()));
    sb.append("alerts_per_rule");
    s.alertsPerRule().forEach((id, n) -> sb.append(' ').append(id).append('=').append(n));
    sb.append('\n');
    sb.append("process_ms=").append(s.processNanos() / 1_000_000).append('\n');
    System.err.print(sb);
    System.err.flush();
  }

  private static int usage(String message) {
    System.err.println("phosor replay: " + message);
    return 2;
  }
}
