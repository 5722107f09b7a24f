package io.phosor.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.detect.Alert;
import io.phosor.detect.AlertSink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interim alert sink until alert storage arrives: one log line per alert (logger {@code phosor.alert}),
 * {@code phosor_alerts_total{rule,severity}}, and an in-memory ring of the latest alerts served by
 * {@code GET /api/alerts}. Alerts are lost on restart (they stay in the log).
 */
public final class RecentAlerts implements AlertSink {
  /** Alerts kept in memory: enough for a look at what just fired, small enough to ignore (~1 KB each). */
  public static final int CAPACITY = 1_000;
  private static final Logger ALERT_LOG = LoggerFactory.getLogger("phosor.alert");

  private final MeterRegistry registry;
  private final ArrayDeque<Alert> ring = new ArrayDeque<>(CAPACITY);
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private long total;

  /** Counts into {@code registry}. */
  public RecentAlerts(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void accept(Alert a) {
    String sev = a.severity().label();
    counters.computeIfAbsent(a.ruleId() + '\u0000' + sev, k -> Counter.builder("phosor.alerts")
        .description("Alerts raised, by rule and severity").tag("rule", a.ruleId()).tag("severity", sev)
        .register(registry)).increment();
    ALERT_LOG.info("rule={} severity={} group={} summary={}", a.ruleId(), sev, a.groupKey(), a.summary());
    synchronized (ring) {
      if (ring.size() == CAPACITY) {
        ring.removeFirst();
      }
      ring.addLast(a);
      total++;
    }
  }

  /** Up to {@code limit} of the latest alerts, newest first. */
  public List<Alert> latest(int limit) {
    synchronized (ring) {
      List<Alert> out = new ArrayList<>(Math.min(limit, ring.size()));
      Iterator<Alert> it = ring.descendingIterator();
      while (it.hasNext() && out.size() < limit) {
        out.add(it.next());
      }
      return out;
    }
  }

  /** Alerts received since start. */
  public long total() {
    synchronized (ring) {
      return total;
    }
  }
}
