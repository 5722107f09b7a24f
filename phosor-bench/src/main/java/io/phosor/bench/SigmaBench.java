package io.phosor.bench;

import io.phosor.detect.Alert;
import io.phosor.detect.AlertSink;
import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.detect.Rule;
import io.phosor.event.Event;
import io.phosor.sigma.SigmaMapping;
import io.phosor.sigma.SigmaRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Issue 8: 1,000 Sigma rules loaded at once must still process >= 200,000 events/s per core, and importing
 * 1,000 rules must take under 10 s. The rules are generated (seed 42) in the shapes SigmaHQ's Linux and web
 * rules have: keyword lists, field values with contains/startswith/endswith, wildcards inside values, |all,
 * regexes, cidr and numeric comparisons, logsources linux/sshd/auth/webserver, and 5 % event_count and
 * value_count correlations over them. Like real Sigma rules, they look for specific strings (two words of an
 * attack vocabulary) that ordinary log lines rarely contain, so they fire on a small share of events. {@link #process} times only {@link Engine#process} over the
 * {@code ../shared/bench} workload (parsed once); {@link #importRules} times SigmaRules.convert plus loading
 * the result into an engine, from YAML text.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SigmaBench {
  static final int BATCH = 10_000;
  private static final String[] WORDS = {"passwd", "shadow", "wget", "curl", "chmod", "base64", "nc", "socat",
      "python", "perl", "bash", "sudo", "useradd", "crontab", "iptables", "systemctl", "ssh-keygen", "tcpdump",
      "nmap", "masscan", "hydra", "john", "mimikatz", "rootkit", "backdoor", "exploit", "payload", "reverse",
      "shell", "dropper", "miner", "xmrig", "kworker", "tmp", "dev/shm", "etc/hosts", "authorized_keys", "id_rsa",
      "union", "select", "sleep", "benchmark", "etc/passwd", "cmd.exe", "powershell", "eval", "exec", "system",
      "phpinfo", "wp-admin", "xmlrpc", "jndi", "ldap", "rmi", "log4j", "struts", "shellshock", "traversal"};
  private static final String[] SOURCES = {"  product: linux\n", "  product: linux\n  service: sshd\n",
      "  product: linux\n  service: auth\n", "  category: webserver\n"};

  @Param("target/data/events-200k.log")
  public String file;

  @Param("1000")
  public int rules;

  private Event[] events;
  private int next;
  private Duration passShift;
  private Engine engine;
  private AlertSink sink;
  private long alerts;
  private String yaml;
  /** Kept so the JIT cannot drop alert creation. */
  public Alert lastAlert;

  /** {@code n} Sigma rules as one multi-document YAML text. */
  static String generate(int n, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append("---\n");
      }
      String name = "gen_" + i;
      b.append("title: Generated rule ").append(i).append('\n').append("id: bench-").append(i).append('\n');
      if (i % 20 == 19 && !names.isEmpty()) {
        String ref = names.get(r.nextInt(names.size()));
        boolean vc = r.nextBoolean();
        b.append("correlation:\n  type: ").append(vc ? "value_count" : "event_count").append("\n  rules: [").append(ref)
            .append("]\n  group-by: [SourceIP]\n  timespan: ").append(1 + r.nextInt(10)).append("m\n  generate: true\n")
            .append("  condition:\n").append(vc ? "    field: User\n" : "").append("    gte: ").append(3 + r.nextInt(20))
            .append('\n');
        b.append("level: high\n");
        continue;
      }
      names.add(name);
      b.append("name: ").append(name).append('\n');
      b.append("logsource:\n").append(SOURCES[r.nextInt(SOURCES.length)]);
      b.append("detection:\n");
      int shape = r.nextInt(10);
      if (shape < 4) {
        b.append("  keywords:\n");
        int k = 1 + r.nextInt(6);
        for (int j = 0; j < k; j++) {
          b.append("    - '").append(word(r)).append(' ').append(word(r)).append("'\n");
        }
        b.append("  condition: keywords\n");
      } else if (shape < 7) {
        String mod = new String[] {"contains", "startswith", "endswith", "contains|all"}[r.nextInt(4)];
        b.append("  selection:\n    ").append(r.nextBoolean() ? "cs-uri-query" : "CommandLine").append('|').append(mod)
            .append(":\n");
        for (int j = 0; j < 1 + r.nextInt(4); j++) {
          b.append("      - '").append(word(r)).append(r.nextInt(5) == 0 ? "*" : "/").append(word(r)).append("'\n");
        }
        b.append("  filter:\n    sc-status: ").append(new int[] {404, 301, 500}[r.nextInt(3)]).append('\n');
        b.append("  condition: selection and not filter\n");
      } else if (shape < 8) {
        b.append("  selection:\n    message|re: '").append(word(r)).append("[0-9]{2,}\\s+").append(word(r))
            .append("'\n  condition: selection\n");
      } else if (shape < 9) {
        b.append("  selection:\n    SourceIP|cidr: '").append(r.nextInt(224)).append('.').append(r.nextInt(256))
            .append(".0.0/16'\n    User|startswith: '").append(word(r)).append("'\n  condition: selection\n");
      } else {
        b.append("  sel_a:\n    User: ").append(word(r)).append("\n  sel_b:\n    sc-bytes|gt: ")
            .append(10_000_000 + r.nextInt(100_000_000)).append("\n  condition: 1 of sel_*\n");
      }
      b.append("level: ").append(new String[] {"low", "medium", "high"}[r.nextInt(3)]).append('\n');
      b.append("tags: [attack.t").append(1000 + r.nextInt(600)).append("]\n");
    }
    return b.toString();
  }

  /**
   * Writes the generated rules as one YAML file, for timing {@code phosor rules import} and
   * {@code POST /api/rules/import}: {@code java -cp phosor-bench.jar io.phosor.bench.SigmaBench FILE [N]}.
   */
  public static void main(String[] args) throws IOException {
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    Files.writeString(Path.of(args[0]), generate(n, 42), StandardCharsets.UTF_8);
  }

  private static String word(Random r) {
    return WORDS[r.nextInt(WORDS.length)];
  }

  /** Converts {@code yaml} and loads the rules into a fresh engine; returns the engine. */
  static Engine load(String yaml) {
    List<SigmaRules.Report> reports = SigmaRules.convert(List.of(new SigmaRules.Source("bench.yml", yaml)),
        SigmaMapping.defaults());
    List<Rule> out = new ArrayList<>();
    for (SigmaRules.Report r : reports) {
      if (!r.supported()) {
        throw new IllegalStateException(r.line());
      }
      out.add(r.rule());
    }
    Engine e = new Engine(EngineConfig.DEFAULTS, Clock.fixed(Instant.parse("2024-11-22T00:00:00Z"), ZoneOffset.UTC));
    e.setRules(out);
    return e;
  }

  /** Parses the workload once and imports the rules. */
  @Setup(Level.Trial)
  public void setup() throws IOException {
    yaml = generate(rules, 42);
    EngineBench.Workload w = EngineBench.Workload.load(file, "phosor-bench/run-sigma-bench.sh");
    events = w.events();
    passShift = w.passShift();
    engine = load(yaml);
    sink = a -> {
      alerts++;
      lastAlert = a;
    };
  }

  /** Shows that the rules really detect something. */
  @TearDown(Level.Trial)
  public void report() {
    System.out.println("\n[sigma-bench] rules=" + engine.rules().size() + " " + engine.stats().events() + " events, "
        + alerts + " alerts, late " + engine.stats().lateEvents());
  }

  /** All 1,000 Sigma rules over one event; one operation = one event. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void process() {
    for (int i = 0; i < BATCH; i++) {
      engine.process(events[next], sink);
      if (++next == events.length) {
        next = 0;
        for (Event e : events) {
          e.timestamp(e.timestamp().plus(passShift));
        }
      }
    }
  }

  /** Import of all the rules from YAML text: conversion, compilation, loading. One operation = one import. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Engine importRules() {
    return load(yaml);
  }
}
