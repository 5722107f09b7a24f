package io.phosor.incident;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.phosor.store.AlertGrouping;
import io.phosor.store.AlertQuery;
import io.phosor.store.IncidentEvent;
import io.phosor.store.IncidentQuery;
import io.phosor.store.IncidentStatus;
import io.phosor.store.Incidents;
import io.phosor.store.IncidentSummary;
import io.phosor.store.Store;
import io.phosor.store.StoreException;
import io.phosor.store.StoreNotFoundException;
import io.phosor.store.StoredAction;
import io.phosor.store.StoredAlert;
import io.phosor.store.StoredIncident;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups stored alerts into incidents and makes every change to an incident known.
 *
 * <p>Grouping runs on one worker thread of its own, never on the detection or alert writer thread: {@link #onAlerts} (an
 * {@code AlertService} listener) only wakes it. The worker reads the alerts above its cursor from the store in id
 * order, groups them {@value #PER_TRANSACTION} per store transaction ({@code Incidents.groupAll}, one commit for many;
 * per alert: the same entity, not resolved, last alert within the window, else a new incident), tells the {@link IncidentListener}s and the live feed, and then saves
 * the cursor (setting {@value #CURSOR}; on the very first start it begins after the alerts already stored, so an
 * upgrade does not turn old alerts into incidents). After a crash it starts again above the saved cursor: an
 * alert grouped before the crash is found linked and not linked twice, and its update is sent again (listeners
 * get every update at least once; the response engine's actions are idempotent per incident), so no alert is
 * skipped or doubled.
 *
 * <p>Changes made by people (status, assignee, notes: {@link #setStatus}, {@link #assign}, {@link #addNote}) are
 * stored, then told the same way, on the caller's thread.
 */
public final class IncidentService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentService.class);
  /** The setting holding the highest alert id grouped. */
  static final String CURSOR = "incidents.cursor";
  /** Alerts read per store round trip: large enough for a burst, small enough to tell listeners promptly. */
  static final int BATCH = 200;
  /**
   * Alerts grouped per store transaction. SQLite has one writer: a transaction holds it, and the alert writer waits
   * behind it, so grouping many alerts per commit saves fsyncs but delays storing alerts (and the live feed). 50
   * keeps a grouping transaction to a few milliseconds while committing 50 times less often than one per alert.
   */
  static final int PER_TRANSACTION = 50;
  /** Who groups alerts, in timelines and updates. */
  static final String SYSTEM = "system";
  /** The worker looks for alerts this often even without a wake-up (a missed one, another node's). */
  private static final long POLL_MS = 5_000;
  /** First wait after a store failure; it doubles up to {@link #MAX_BACKOFF_MS}. */
  private static final long MIN_BACKOFF_MS = 500;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Store store;
  private final Duration window;
  private final BiConsumer<String, Object> feed;
  private final Clock clock;
  /** Gives way to the alert writer before each grouping transaction (SQLite's one writer). */
  private final io.phosor.detect.YieldToAlerts giveWay = new io.phosor.detect.YieldToAlerts();
  private final List<IncidentListener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private final Counter opened;
  private final Counter grouped;
  private final Counter skipped;
  private final Counter failures;
  private final Counter listenerFailures;
  private final Timer delay;
  /** Highest alert id grouped, saved as the cursor. Written by the worker only (under {@link #lock}). */
  private volatile long processed;
  private volatile long announced;
  private volatile String problem;
  private volatile boolean cursorLoaded;
  private boolean wake;
  private boolean stopping;
  private Thread worker;

  /**
   * Groups alerts read from {@code store} with the grouping {@code window}; publishes incident changes to
   * {@code feed} (the live feed's {@code publish(type, payload)}); counts into {@code registry}.
   */
  public IncidentService(Store store, Duration window, BiConsumer<String, Object> feed, MeterRegistry registry,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.window = Objects.requireNonNull(window, "window");
    this.feed = Objects.requireNonNull(feed, "feed");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.opened = Counter.builder("phosor.incidents.opened").description("Incidents opened by grouping alerts")
        .register(registry);
    this.grouped = Counter.builder("phosor.incidents.alerts.grouped").description("Alerts linked to an incident")
        .register(registry);
    this.skipped = Counter.builder("phosor.incidents.alerts.skipped")
        .description("Alerts that could not be grouped (deleted before grouping, or refused by the store)")
        .register(registry);
    this.failures = Counter.builder("phosor.incidents.store.failures")
        .description("Grouping rounds that failed on a store error (retried with backoff)").register(registry);
    this.listenerFailures = Counter.builder("phosor.incidents.listener.failures")
        .description("Incident updates a listener or the live feed threw on").register(registry);
    this.delay = Timer.builder("phosor.incidents.grouping.delay")
        .description("From an alert being stored to its incident being updated").register(registry);
    Gauge.builder("phosor.incidents.lag.alerts", this, s -> Math.max(0, s.announced - s.processed))
        .description("Stored alerts not grouped yet").register(registry);
    try {
      // now, before detection starts: the first start's cursor must not pass alerts raised from now on
      loadCursor();
    } catch (StoreException e) {
      LOG.warn("incidents: cannot read the cursor yet ({}); the worker retries", e.getMessage());
    }
  }

  /**
   * Gives way to storing alerts: while {@code busy} says so (the alert writer is behind), each grouping transaction
   * waits a little first (at most 200 ms), so the two do not take turns at SQLite's one writer.
   */
  public void yieldWhile(java.util.function.BooleanSupplier busy) {
    giveWay.whileBusy(busy);
  }

  private boolean isStopping() {
    synchronized (lock) {
      return stopping;
    }
  }

  /** Adds a listener of every incident change (called after the change is stored). */
  public void addListener(IncidentListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Starts the worker thread, which first catches up with alerts stored while Phosor was down. */
  public void start() {
    synchronized (lock) {
      if (worker != null) {
        throw new IllegalStateException("incident worker already started");
      }
      worker = new Thread(this::run, "phosor-incidents");
      worker.setDaemon(true);
      worker.start();
    }
  }

  /** Takes newly stored alerts (an {@code AlertService} listener, on the alert writer's thread): only wakes the worker. */
  public void onAlerts(List<StoredAlert> fresh) {
    long max = 0;
    for (StoredAlert a : fresh) {
      max = Math.max(max, a.id());
    }
    if (max > announced) {
      announced = max;
    }
    wake();
  }

  private void wake() {
    synchronized (lock) {
      wake = true;
      lock.notifyAll();
    }
  }

  /** The highest alert id grouped so far: every alert up to it belongs to an incident. */
  public long processedThrough() {
    return processed;
  }

  /**
   * Waits until every alert up to id {@code alertId} is grouped (and its update told), at most {@code timeout};
   * true when it is.
   */
  public boolean awaitProcessed(long alertId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      if (processed < alertId) {
        if (alertId > announced) {
          announced = alertId;
        }
        wake = true;
        lock.notifyAll();
      }
      while (processed < alertId) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /** Why grouping is stuck (the store fails), or null while it works. */
  public String problem() {
    return problem;
  }

  private void run() {
    long backoff = MIN_BACKOFF_MS;
    while (true) {
      synchronized (lock) {
        if (stopping) {
          return;
        }
        wake = false;
      }
      try {
        groupPending();
        if (problem != null) {
          LOG.info("incidents: grouping works again, grouped through alert {}", processed);
        }
        problem = null;
        backoff = MIN_BACKOFF_MS;
        if (!await(POLL_MS, true)) {
          return;
        }
      } catch (StoreException e) {
        failures.increment();
        if (problem == null) {
          LOG.warn("incidents: cannot group alerts: {} (retrying; alerts wait in the store)", e.getMessage());
        }
        problem = "cannot group alerts: " + e.getMessage();
        if (!await(backoff, false)) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      } catch (RuntimeException e) {
        failures.increment();
        LOG.error("incidents: grouping failed: {}", e.toString(), e);
        problem = "grouping failed: " + e;
        if (!await(backoff, false)) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  /** Waits {@code ms} (or, if {@code wakeable}, until woken); false when stopping. */
  private boolean await(long ms, boolean wakeable) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    synchronized (lock) {
      while (!stopping && !(wakeable && wake)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !stopping;
    }
  }

  /**
   * Groups every alert above the cursor, batch by batch, and returns how many alerts it went through. Package
   * private: tests call it on their own thread instead of starting the worker.
   *
   * @throws StoreException when the store fails; what was grouped stays grouped and the next call resumes
   */
  int groupPending() {
    if (!cursorLoaded) {
      loadCursor();
    }
    int total = 0;
    while (true) {
      synchronized (lock) {
        if (stopping) {
          return total;
        }
      }
      List<StoredAlert> batch = store.alerts().after(processed, BATCH);
      if (batch.isEmpty()) {
        return total;
      }
      Map<Long, Pending> updates = new LinkedHashMap<>();
      long last = batch.get(batch.size() - 1).id();
      for (int from = 0; from < batch.size(); from += PER_TRANSACTION) {
        List<StoredAlert> part = batch.subList(from, Math.min(batch.size(), from + PER_TRANSACTION));
        giveWay.pause(this::isStopping);
        List<AlertGrouping> all = groupAll(part);
        if (all != null) {
          for (int i = 0; i < part.size(); i++) {
            record(part.get(i), all.get(i), updates);
          }
        } else {
          for (StoredAlert a : part) {
            groupOne(a, updates);
          }
        }
      }
      List<IncidentUpdate> round = new ArrayList<>(updates.size());
      List<String> changes = new ArrayList<>(updates.size());
      for (Pending p : updates.values()) {
        round.add(new IncidentUpdate(p.incident, p.alerts, p.created, p.incident.status(), SYSTEM));
        changes.add(p.created ? "created" : "alerts_linked");
      }
      tellAll(round, changes);
      store.settings().put(CURSOR, Long.toString(last));
      setProcessed(last);
      total += batch.size();
    }
  }

  /**
   * Groups the whole batch in one store transaction (one commit); null when one alert of it cannot be grouped
   * (deleted since it was read, or a value the store refuses): then the batch is grouped one alert at a time, which
   * skips that one.
   */
  private List<AlertGrouping> groupAll(List<StoredAlert> batch) {
    List<Incidents.GroupRequest> requests = new ArrayList<>(batch.size());
    for (StoredAlert a : batch) {
      Entity e = Entity.of(a.alert().ruleId(), a.alert().groupKey());
      requests.add(new Incidents.GroupRequest(a.id(), e.type(), e.value(), e.title(ruleName(a))));
    }
    try {
      return store.incidents().groupAll(requests, window, SYSTEM);
    } catch (StoreNotFoundException | IllegalArgumentException ex) {
      LOG.debug("incidents: grouping {} alerts one by one: {}", batch.size(), ex.getMessage());
      return null;
    }
  }

  private static String ruleName(StoredAlert a) {
    return a.alert().ruleName() == null || a.alert().ruleName().isBlank() ? a.alert().ruleId() : a.alert().ruleName();
  }

  private void groupOne(StoredAlert a, Map<Long, Pending> updates) {
    Entity e = Entity.of(a.alert().ruleId(), a.alert().groupKey());
    AlertGrouping g;
    try {
      g = store.incidents().group(a.id(), e.type(), e.value(), e.title(ruleName(a)), window, SYSTEM);
    } catch (StoreNotFoundException | IllegalArgumentException ex) {
      // deleted since it was read, or a value the store refuses: retrying would never succeed
      skipped.increment();
      LOG.warn("incidents: alert {} not grouped: {}", a.id(), ex.getMessage());
      return;
    }
    record(a, g, updates);
  }

  private void record(StoredAlert a, AlertGrouping g, Map<Long, Pending> updates) {
    if (g.linked()) {
      grouped.increment();
      if (g.created()) {
        opened.increment();
      }
      if (a.createdAt() != null) {
        delay.record(Duration.between(a.createdAt(), clock.instant()).isNegative() ? Duration.ZERO
            : Duration.between(a.createdAt(), clock.instant()));
      }
    }
    Pending p = updates.computeIfAbsent(g.incident().id(), k -> new Pending());
    p.incident = g.incident();
    p.created |= g.created();
    p.alerts.add(a);
  }

  /** The updates of one incident within a batch, told as one. */
  private static final class Pending {
    StoredIncident incident;
    boolean created;
    final List<StoredAlert> alerts = new ArrayList<>();
  }

  private void setProcessed(long id) {
    synchronized (lock) {
      processed = id;
      if (announced < id) {
        announced = id;
      }
      lock.notifyAll();
    }
  }

  /**
   * Reads the cursor; on the very first start (no cursor saved) it starts after the newest alert already stored,
   * and saves that: alerts stored by a Phosor version without incidents are not grouped after an upgrade (that
   * would open an incident, and run playbooks, for every old alert). On a new database that is 0.
   */
  private void loadCursor() {
    Optional<String> saved = store.settings().get(CURSOR);
    long cursor;
    if (saved.isPresent()) {
      cursor = parseCursor(saved.get());
    } else {
      List<StoredAlert> newest = store.alerts().list(AlertQuery.newest(1));
      cursor = newest.isEmpty() ? 0 : newest.get(0).id();
      store.settings().put(CURSOR, Long.toString(cursor));
      if (cursor > 0) {
        LOG.info("incidents: first start with incidents: alerts up to id {} (stored before) are not grouped", cursor);
      }
    }
    setProcessed(cursor);
    cursorLoaded = true;
  }

  private static long parseCursor(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new StoreException("setting " + CURSOR + " is not a number: '" + v + "' (was the database edited by "
          + "hand? set it to the highest alert id already grouped, or delete it to regroup from the start)", e);
    }
  }

  // ---- changes by people -------------------------------------------------------------------------------------

  /**
   * Sets the incident's status (any status may follow any other) and returns it; resolving it also resolves its
   * alerts that are not resolved yet, in the same store transaction (an "alerts_resolved" timeline entry).
   * Setting the current status changes nothing and tells nobody.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public Change setStatus(long id, IncidentStatus status, String who) {
    StoredIncident before = store.incidents().get(id).orElseThrow(() -> notFound(id));
    if (before.status() == status) {
      return new Change(before, before, List.of());
    }
    List<Long> resolved = List.of();
    StoredIncident after;
    if (status == IncidentStatus.RESOLVED) {
      resolved = store.incidents().resolve(id, who); // with its alerts, in one transaction
      after = store.incidents().get(id).orElseThrow(() -> notFound(id));
    } else {
      after = store.incidents().updateStatus(id, status, who);
    }
    tell(new IncidentUpdate(after, List.of(), false, before.status(), who), "status_changed");
    return new Change(before, after, resolved);
  }

  /**
   * Assigns the incident to {@code assignee} (null: unassigns) and returns it; assigning the current assignee
   * changes nothing and tells nobody.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public Change assign(long id, String assignee, String who) {
    StoredIncident before = store.incidents().get(id).orElseThrow(() -> notFound(id));
    if (Objects.equals(before.assignee(), assignee)) {
      return new Change(before, before, List.of());
    }
    StoredIncident after = store.incidents().assign(id, assignee, who);
    tell(new IncidentUpdate(after, List.of(), false, after.status(), who), "assigned");
    return new Change(before, after, List.of());
  }

  /**
   * Adds a note to the incident's timeline and returns the entry.
   *
   * @throws StoreNotFoundException when there is no such incident
   */
  public IncidentEvent addNote(long id, String text, String who) {
    IncidentEvent note = store.incidents().addNote(id, text, who);
    StoredIncident after = store.incidents().get(id).orElseThrow(() -> notFound(id));
    tell(new IncidentUpdate(after, List.of(), false, after.status(), who), "note");
    return note;
  }

  /**
   * One change made by a person.
   *
   * @param before the incident before
   * @param after the incident after (the same when nothing changed)
   * @param resolvedAlerts alerts that were resolved with the incident
   */
  public record Change(StoredIncident before, StoredIncident after, List<Long> resolvedAlerts) {
    /** True when something changed. */
    public boolean changed() {
      return !before.equals(after);
    }
  }

  static StoreNotFoundException notFound(long id) {
    return new StoreNotFoundException("incident " + id + " does not exist");
  }

  /** Tells the listeners and the live feed; neither may stop the other or the caller. */
  private void tell(IncidentUpdate update, String change) {
    for (IncidentListener l : listeners) {
      try {
        l.onUpdate(update);
      } catch (RuntimeException e) {
        listenerFailures.increment();
        LOG.error("incident listener failed on incident {}: {}", update.incident().id(), e.toString(), e);
      }
    }
    publish(update, change);
  }

  /** Tells the listeners a grouping round's updates at once ({@link IncidentListener#onUpdates}), then the feed. */
  private void tellAll(List<IncidentUpdate> round, List<String> changes) {
    if (round.isEmpty()) {
      return;
    }
    for (IncidentListener l : listeners) {
      try {
        l.onUpdates(round);
      } catch (RuntimeException e) {
        listenerFailures.increment();
        LOG.error("incident listener failed on {} incident updates: {}", round.size(), e.toString(), e);
      }
    }
    for (int i = 0; i < round.size(); i++) {
      publish(round.get(i), changes.get(i));
    }
  }

  private void publish(IncidentUpdate update, String change) {
    try {
      IncidentSummary s = store.incidents().summary(update.incident().id()).orElse(null);
      Map<String, Object> payload = s == null ? IncidentJson.incident(update.incident(), null, 0)
          : IncidentJson.summary(s);
      payload.put("change", change);
      payload.put("by", update.by());
      if (update.statusChanged()) {
        payload.put("previous_status", update.previousStatus().label());
      }
      if (!update.newAlerts().isEmpty()) {
        payload.put("alert_ids", update.newAlerts().stream().map(StoredAlert::id).toList());
      }
      feed.accept("incident", payload);
    } catch (RuntimeException e) {
      listenerFailures.increment();
      LOG.warn("incidents: live feed update of incident {} failed: {}", update.incident().id(), e.toString());
    }
  }

  // ---- reads ---------------------------------------------------------------------------------------------------

  /** The incidents matching {@code q}, newest first. */
  public List<IncidentSummary> list(IncidentQuery q) {
    return store.incidents().list(q);
  }

  /** One incident with its last alert time and alert count. */
  public Optional<IncidentSummary> get(long id) {
    return store.incidents().summary(id);
  }

  /** The newest {@code limit} alerts of the incident, newest first. */
  public List<StoredAlert> alerts(long id, int limit) {
    return store.alerts().ofIncident(id, limit);
  }

  /** The newest {@code limit} timeline entries of the incident, oldest first. */
  public List<IncidentEvent> timeline(long id, int limit) {
    return store.incidents().timeline(id, limit);
  }

  /** The response actions taken for the incident, oldest first. */
  public List<StoredAction> actions(long id) {
    return store.actions().forIncident(id);
  }

  /** Incidents not resolved yet (open or acknowledged). */
  public long unresolved() {
    Map<IncidentStatus, Long> counts = store.incidents().countByStatus();
    return counts.get(IncidentStatus.OPEN) + counts.get(IncidentStatus.ACKNOWLEDGED);
  }

  /** Stops the worker (an alert being grouped is finished first; the rest wait in the store for the next start). */
  @Override
  public void close() {
    Thread w;
    synchronized (lock) {
      stopping = true;
      lock.notifyAll();
      w = worker;
    }
    if (w != null) {
      try {
        w.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (w.isAlive()) {
        LOG.warn("incidents: the worker did not stop within 10 s");
      }
    }
  }
}
