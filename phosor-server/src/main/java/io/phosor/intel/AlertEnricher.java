package io.phosor.intel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.store.StoreException;
import io.phosor.store.StoredAlert;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enriches newly stored alerts with what is known about their addresses. {@link #onAlerts} runs on the
 * alert writer's thread and only offers the alerts to a bounded queue (when it is full the alert stays unenriched,
 * counted in {@code phosor_intel_enrich_dropped_total}); one worker thread takes them (whatever has accumulated, up to {@link #BATCH}), looks up every address
 * of the alert's group key (fields whose name ends in {@code .ip}) — local indicators and, for public addresses,
 * the remote services — and stores {@code {"ip": {"<address>": {"indicators": [...], "abuseipdb": {...},
 * "otx": {...}}}}} on the alert (one store transaction per batch), then hands the stored alert to {@code published} (the live feed's
 * {@code alert_enriched} message).
 */
final class AlertEnricher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertEnricher.class);
  /** Alerts waiting for enrichment: bursts of alerts are small; remote look-ups are the slow part. */
  static final int QUEUE_CAPACITY = 10_000;
  /** Addresses looked up per alert (a group key has at most 8 fields). */
  static final int MAX_ADDRESSES = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where enrichment is stored. */
  interface Store {
    /** Sets the alert's enrichment and returns the alert. */
    StoredAlert enrich(long id, String json);

    /**
     * Sets the enrichment of several alerts and returns them as stored (an alert that no longer exists is left
     * out); the store does it in one transaction. By default one {@link #enrich} each.
     */
    default List<StoredAlert> enrichAll(Map<Long, String> jsonById) {
      List<StoredAlert> out = new java.util.ArrayList<>();
      for (Map.Entry<Long, String> e : jsonById.entrySet()) {
        out.add(enrich(e.getKey(), e.getValue()));
      }
      return out;
    }
  }

  /**
   * Alerts enriched per store transaction: a burst costs one commit per this many; small enough that the transaction
   * holds SQLite's one writer only briefly (the alert writer waits behind it).
   */
  static final int BATCH = 64;

  private final Reputations reputations;
  private final Store store;
  private final BiConsumer<StoredAlert, Map<String, Object>> published;
  private final ArrayBlockingQueue<StoredAlert> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Counter dropped;
  private final Counter enriched;
  private final Counter failed;
  private final Thread worker;
  private volatile boolean running = true;
  /** Gives way to the alert writer before each store transaction (SQLite's one writer). */
  private final io.phosor.detect.YieldToAlerts giveWay = new io.phosor.detect.YieldToAlerts();

  AlertEnricher(Reputations reputations, Store store, BiConsumer<StoredAlert, Map<String, Object>> published,
      MeterRegistry registry) {
    this.reputations = reputations;
    this.store = store;
    this.published = published;
    this.dropped = Counter.builder("phosor_intel_enrich_dropped").description("Alerts left unenriched because the "
        + "enrichment queue was full").register(registry);
    this.enriched = Counter.builder("phosor_intel_enriched").description("Alerts enriched with reputation data")
        .register(registry);
    this.failed = Counter.builder("phosor_intel_enrich_failed").description("Alerts whose enrichment could not be "
        + "stored").register(registry);
    Gauge.builder("phosor_queue_depth", queue, ArrayBlockingQueue::size).tag("queue", "intel_enrich")
        .description("Alerts waiting for enrichment").register(registry);
    this.worker = new Thread(this::run, "phosor-intel-enrich");
    worker.setDaemon(true);
  }

  void start() {
    worker.start();
  }

  /** While {@code busy} says so, each store transaction waits a little first (at most 200 ms). */
  void yieldWhile(java.util.function.BooleanSupplier busy) {
    giveWay.whileBusy(busy);
  }

  /** Takes newly stored alerts (an AlertService listener, on the alert writer's thread): never blocks. */
  void onAlerts(List<StoredAlert> fresh) {
    for (StoredAlert a : fresh) {
      if (addresses(a).isEmpty()) {
        continue;
      }
      if (!queue.offer(a)) {
        dropped.increment();
      }
    }
  }

  /** The distinct addresses of the alert's group key fields ending in {@code .ip}. */
  static List<Ip.Block> addresses(StoredAlert a) {
    List<Ip.Block> out = new java.util.ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Map.Entry<String, String> e : a.alert().groupKey().entrySet()) {
      if (!e.getKey().endsWith(".ip") || e.getValue() == null) {
        continue;
      }
      Ip.Block b = Ip.parseAddress(e.getValue());
      if (b != null && seen.add(b.text()) && out.size() < MAX_ADDRESSES) {
        out.add(b);
      }
    }
    return out;
  }

  /** The enrichment of {@code a}: {@code {"ip": {address: reputation}}}. */
  Map<String, Object> enrichment(StoredAlert a) {
    Map<String, Object> ips = new LinkedHashMap<>();
    for (Ip.Block b : addresses(a)) {
      ips.put(b.text(), reputations.lookup(b, true).toJson());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ip", ips);
    return m;
  }

  /** Enriches one alert now (the worker's step). */
  void enrichOne(StoredAlert a) {
    Map<String, Object> e = enrichment(a);
    String json;
    try {
      json = JSON.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    storeOne(a, e, json);
  }

  private void storeOne(StoredAlert a, Map<String, Object> e, String json) {
    StoredAlert stored;
    try {
      stored = store.enrich(a.id(), json);
    } catch (StoreException | IllegalArgumentException ex) {
      failed.increment();
      LOG.warn("intel: storing the enrichment of alert {} failed: {}", a.id(), ex.getMessage());
      return;
    }
    enriched.increment();
    publish(stored, e);
  }

  private void publish(StoredAlert stored, Map<String, Object> e) {
    try {
      published.accept(stored, e);
    } catch (RuntimeException ex) {
      LOG.warn("intel: publishing the enrichment of alert {} failed: {}", stored.id(), ex.toString());
    }
  }

  /**
   * Enriches the alerts now and stores them in one transaction (the worker's step for what has accumulated); when
   * storing the batch fails, each alert is stored on its own, so one bad alert does not cost the others.
   */
  void enrichBatch(List<StoredAlert> batch) {
    if (batch.size() == 1) {
      enrichOne(batch.get(0));
      return;
    }
    Map<Long, Map<String, Object>> enrichments = new LinkedHashMap<>();
    Map<Long, String> json = new LinkedHashMap<>();
    for (StoredAlert a : batch) {
      Map<String, Object> e = enrichment(a);
      enrichments.put(a.id(), e);
      try {
        json.put(a.id(), JSON.writeValueAsString(e));
      } catch (JsonProcessingException ex) {
        throw new IllegalStateException(ex);
      }
    }
    List<StoredAlert> stored;
    try {
      stored = store.enrichAll(json);
    } catch (StoreException | IllegalArgumentException ex) {
      LOG.debug("intel: storing {} enrichments together failed ({}); one by one", batch.size(), ex.getMessage());
      for (StoredAlert a : batch) {
        storeOne(a, enrichments.get(a.id()), json.get(a.id()));
      }
      return;
    }
    failed.increment(batch.size() - stored.size());
    for (StoredAlert s : stored) {
      enriched.increment();
      publish(s, enrichments.get(s.id()));
    }
  }

  private void run() {
    List<StoredAlert> batch = new java.util.ArrayList<>(BATCH);
    while (running) {
      StoredAlert a;
      try {
        a = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (a == null) {
        continue;
      }
      batch.clear();
      batch.add(a);
      // meanwhile more alerts gather: the batch gets bigger, not the number of transactions
      giveWay.pause(() -> !running);
      queue.drainTo(batch, BATCH - 1);
      try {
        enrichBatch(batch);
      } catch (RuntimeException e) {
        failed.increment(batch.size());
        LOG.error("intel: enriching {} alerts from {} failed: {}", batch.size(), a.id(), e.toString(), e);
      }
    }
  }

  /** Alerts waiting. */
  int backlog() {
    return queue.size();
  }

  @Override
  public void close() {
    running = false;
    try {
      worker.join(2000);
      if (worker.isAlive()) {
        worker.interrupt(); // a remote look-up still waiting: cut it short
        worker.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!queue.isEmpty()) {
      LOG.info("intel: {} alerts left unenriched at shutdown", queue.size());
    }
  }
}
