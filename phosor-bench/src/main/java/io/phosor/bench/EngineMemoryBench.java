package io.phosor.bench;

import io.phosor.detect.Condition;
import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.detect.Rule;
import io.phosor.event.Event;
import io.phosor.event.Severity;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * SPEC section 11: "1,000,000 active group keys in <= 512 MB of heap". A measured run, not a JMH timing:
 * started with {@code -Xmx512m} (phosor-bench/run-engine-bench.sh), it feeds a threshold rule grouped by
 * source.ip one failed login from each of N distinct addresses (never reaching the count, all inside the
 * window, so every key stays active), then checks {@code stats().activeGroups() >= N} and reports the heap
 * in use after a full GC. An OutOfMemoryError or a short count exits non-zero.
 * Usage: {@code java -Xmx512m -cp target/phosor-bench.jar io.phosor.bench.EngineMemoryBench [keys]}.
 */
public final class EngineMemoryBench {
  private EngineMemoryBench() {}

  /** Runs the check; exit code 0 = it fits. */
  public static void main(String[] args) {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Instant t0 = Instant.parse("2024-11-21T23:30:00Z");
    Engine engine = new Engine(new EngineConfig(Duration.ofSeconds(60), keys + 1, 50), Clock.fixed(t0, ZoneOffset.UTC));
    Rule rule = new Rule("mem-threshold", "memory probe", "", Severity.HIGH, true, List.of(),
        new Condition.Field("event.action", Condition.Op.EQUALS, List.of("ssh_failed_password"), false), List.of("source.ip"),
        Duration.ZERO, Rule.TimeBasis.EVENT, new Rule.Threshold(1_000, Duration.ofHours(2)));
    engine.setRules(List.of(rule));
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(mem);
    long start = System.nanoTime();
    long[] alerts = {0};
    for (int i = 0; i < keys; i++) {
      // 10.x.y.z: 16.7M distinct addresses available; times 1 ms apart, so 1M events span 1,000 s (< the 2 h window)
      String ip = "10." + ((i >>> 16) & 0xff) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
      Event e = new Event("syslog", null, t0, "Failed password for root from " + ip + " port 22 ssh2");
      e.timestamp(t0.plusMillis(i));
      e.put("event.action", "ssh_failed_password").put("source.ip", ip).put("user.name", "root");
      e.seq(i);
      engine.process(e, a -> alerts[0]++);
    }
    double secs = (System.nanoTime() - start) / 1e9;
    long used = usedAfterGc(mem);
    long max = Runtime.getRuntime().maxMemory();
    long active = engine.stats().activeGroups();
    System.out.printf("[engine-memory] %,d keys fed in %.1f s; activeGroups=%,d; evictions=%,d; alerts=%d%n", keys, secs,
        active, engine.stats().evictions(), alerts[0]);
    System.out.printf("[engine-memory] heap used after GC: %,d MB (before: %,d MB, engine state ~%,d bytes/key); max heap %,d MB%n",
        used >> 20, before >> 20, keys == 0 ? 0 : (used - before) / keys, max >> 20);
    boolean ok = active >= keys && alerts[0] == 0;
    System.out.println("[engine-memory] " + (ok ? "PASS" : "FAIL") + ": " + keys + " active group keys "
        + (ok ? "fit" : "did not stay active") + " in a " + (max >> 20) + " MB heap");
    // keep the engine reachable until after the measurement
    if (engine.rules().isEmpty()) {
      System.out.println();
    }
    System.exit(ok ? 0 : 1);
  }

  private static long usedAfterGc(MemoryMXBean mem) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
