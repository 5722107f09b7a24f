package io.phosor.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.detect.Alert;
import io.phosor.detect.AlertDelivery;
import io.phosor.store.AlertQuery;
import io.phosor.store.AlertStatus;
import io.phosor.store.Alerts;
import io.phosor.store.StoredAlert;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts from the engine to storage and on: each batch is stored in one transaction (an alert already
 * stored, by fingerprint, is ignored, so a replay after a crash raises nothing twice), then every newly stored
 * alert is logged ({@code phosor.alert}), counted ({@code phosor_alerts_total{rule,severity}}) and handed to
 * the listeners (live feed, incidents). The detection stage calls {@link #deliver} from its alert writer thread
 * ({@code phosor-alert-writer}) with everything raised since the last call, so one transaction (one commit) covers
 * many of the engine's batches. When the store is down {@link #deliver} throws and the writer holds the batch and
 * retries.
 */
public final class AlertService implements AlertDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);
  private static final Logger ALERT_LOG = LoggerFactory.getLogger("phosor.alert");

  private final Alerts alerts;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final List<Consumer<List<StoredAlert>>> listeners = new CopyOnWriteArrayList<>();

  /** Stores into {@code alerts}, counts into {@code registry}. */
  public AlertService(Alerts alerts, MeterRegistry registry) {
    this.alerts = alerts;
    this.registry = registry;
  }

  /** Adds a consumer of newly stored alerts (called on the alert writer's thread, {@code phosor-alert-writer}: must not block, or it holds up storing). */
  public void addListener(Consumer<List<StoredAlert>> listener) {
    listeners.add(listener);
  }

  @Override
  public void deliver(List<Alert> batch) {
    store(batch);
  }

  /**
   * Stores {@code batch} like {@link #deliver} (counted, logged, told to the listeners) and returns the alerts that
   * were new: an alert stored before (same fingerprint) is not raised again.
   */
  public List<StoredAlert> store(List<Alert> batch) {
    List<StoredAlert> fresh = alerts.insertAll(batch);
    for (StoredAlert s : fresh) {
      Alert a = s.alert();
      String sev = a.severity().label();
      counters.computeIfAbsent(a.ruleId() + '\u0000' + sev, k -> Counter.builder("phosor.alerts")
          .description("Alerts raised, by rule and severity").tag("rule", a.ruleId()).tag("severity", sev)
          .register(registry)).increment();
      ALERT_LOG.info("id={} rule={} severity={} group={} summary={}", s.id(), a.ruleId(), sev, a.groupKey(),
          a.summary());
    }
    if (!fresh.isEmpty()) {
      for (Consumer<List<StoredAlert>> l : listeners) {
        try {
          l.accept(fresh);
        } catch (RuntimeException e) {
          LOG.error("alert listener failed: {}", e.toString(), e);
        }
      }
    }
    return fresh;
  }

  /** Stored alerts matching {@code q}, newest first. */
  public List<StoredAlert> list(AlertQuery q) {
    return alerts.list(q);
  }

  /** One stored alert. */
  public Optional<StoredAlert> get(long id) {
    return alerts.get(id);
  }

  /** Marks an alert acknowledged by {@code who}. */
  public StoredAlert acknowledge(long id, String who) {
    return alerts.acknowledge(id, who);
  }

  /** Marks an alert resolved by {@code who}. */
  public StoredAlert resolve(long id, String who) {
    return alerts.resolve(id, who);
  }

  /** Alerts stored in all. */
  public long total() {
    return alerts.count();
  }

  /** Stored alerts per status. */
  public Map<AlertStatus, Long> byStatus() {
    return alerts.countByStatus();
  }
}
