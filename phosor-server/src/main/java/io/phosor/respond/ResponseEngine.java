package io.phosor.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.audit.Audit;
import io.phosor.config.ResponseConfig;
import io.phosor.detect.Alert;
import io.phosor.event.Severity;
import io.phosor.incident.IncidentListener;
import io.phosor.incident.IncidentUpdate;
import io.phosor.store.ActionStatus;
import io.phosor.store.Actions;
import io.phosor.store.IncidentStatus;
import io.phosor.store.Store;
import io.phosor.store.StoredAction;
import io.phosor.store.StoredAlert;
import io.phosor.store.StoredIncident;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response engine. As an {@link IncidentListener} it turns every alert newly linked to an incident into the
 * actions of the enabled playbooks whose trigger matches, and only inserts them into the store's {@code actions}
 * table, which is the durable outbox: no network on the caller's thread. Each action has a dedup key (incident,
 * type, entity or channel), so a second alert, a replay or a restart never repeats one. Guards decide at once:
 * ALLOWED_RESPONSE_ACTIONS, a missing entity or integration, the allow-list, dry run (global or per playbook) and a
 * full outbox are recorded as refused or dry_run. Worker threads take due pending actions, run each with the
 * timeout, and record the outcome; retryable failures are retried with exponential backoff up to max attempts.
 * At start-up actions left running by a crash go back to pending. Every action that ends gets a timeline entry on
 * its incident, an audit record ({@code response.action}) and a count by type and status.
 */
final class ResponseEngine implements IncidentListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseEngine.class);
  private static final Logger ACTION_LOG = LoggerFactory.getLogger("phosor.response");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** First retry delay; doubled per attempt, capped at {@link #MAX_BACKOFF}. */
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /** How often the dispatcher looks for due actions when nobody woke it (backoff expiries). */
  static final long POLL_MS = 200;
  /** How long the dispatcher waits after the database failed it (logged once per distinct problem). */
  static final long PROBLEM_RETRY_MS = 2000;

  /** Where an action goes, decided when it is queued. */
  private record Plan(String type, Map<String, Object> params, String dedupKey, String trigger, Long incidentId,
      Long alertId, ActionStatus status, String outcome) {}

  private final Store store;
  private final Playbooks playbooks;
  private final ResponseConfig config;
  private final Map<String, Notifier> notifiers;
  private final AccountDisabler disabler;
  private final BlockService blocks;
  private final Audit audit;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Counter outboxFull;
  private final Counter listenerErrors;
  private final AtomicLong pending = new AtomicLong();
  private final Semaphore slots;
  private final ExecutorService workers;
  private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
  /** Records (timeline, audit) actions decided at once, off the listener's thread, in order. */
  private final ExecutorService recorder = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "phosor-response-record");
    t.setDaemon(true);
    return t;
  });
  private final Object signal = new Object();
  private final AtomicInteger wakeups = new AtomicInteger();
  private volatile boolean running;
  private Thread dispatcher;
  /** The last error reading the outbox, or null while it works (dispatcher thread only). */
  private String outboxProblem;

  ResponseEngine(Store store, Playbooks playbooks, ResponseConfig config, Map<String, Notifier> notifiers,
      AccountDisabler disabler, BlockService blocks, Audit audit, MeterRegistry registry, Clock clock) {
    this.store = store;
    this.playbooks = playbooks;
    this.config = config;
    this.notifiers = Map.copyOf(notifiers);
    this.disabler = disabler;
    this.blocks = blocks;
    this.audit = audit;
    this.registry = registry;
    this.clock = clock;
    this.slots = new Semaphore(config.workers());
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(config.workers(), r -> {
      Thread t = new Thread(r, "phosor-response-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.outboxFull = Counter.builder("phosor.response.outbox.full").description("Actions refused because the outbox "
        + "was full (PHOSOR_RESPONSE_OUTBOX_CAPACITY)").register(registry);
    this.listenerErrors = Counter.builder("phosor.response.listener.errors").description("Incident updates the "
        + "response engine could not plan (store unavailable); logged").register(registry);
    Gauge.builder("phosor.response.outbox.pending", pending, AtomicLong::get).description("Actions waiting in the "
        + "outbox (pending)").register(registry);
  }

  /** Puts actions a crash left running back to pending and starts the workers. */
  synchronized void start() {
    if (running) {
      return;
    }
    int reset = store.actions().resetRunning();
    if (reset > 0) {
      LOG.info("response: {} action(s) were running when Phosor stopped; they run again", reset);
    }
    pending.set(store.actions().countPending());
    running = true;
    dispatcher = new Thread(this::dispatch, "phosor-response-dispatch");
    dispatcher.setDaemon(true);
    dispatcher.start();
    LOG.info("response: {} worker(s), {} pending action(s), allowed {}, dry run {}, channels {}, disabler {}",
        config.workers(), pending.get(), config.allowedActions(), config.dryRun(), notifiers.keySet(),
        disabler == null ? "none" : disabler.kind());
  }

  // ---------------------------------------------------------------- planning (the listener: store writes only)

  @Override
  public void onUpdate(IncidentUpdate update) {
    try {
      queueAll(plans(update));
    } catch (RuntimeException e) {
      listenerErrors.increment();
      LOG.error("response: cannot plan the actions of incident {}: {}", update.incident().id(), e.toString());
    }
  }

  /**
   * The updates of one grouping round: their actions are inserted in one transaction (one commit for the round, not
   * one per incident). When that fails, each update is tried on its own, so one bad incident does not cost the others
   * their actions.
   */
  @Override
  public void onUpdates(List<IncidentUpdate> updates) {
    if (updates.size() == 1) {
      onUpdate(updates.get(0));
      return;
    }
    try {
      List<Plan> plans = new ArrayList<>();
      for (IncidentUpdate u : updates) {
        plans.addAll(plans(u));
      }
      queueAll(plans);
    } catch (RuntimeException e) {
      LOG.debug("response: planning {} incident updates together failed ({}); one by one", updates.size(),
          e.toString());
      for (IncidentUpdate u : updates) {
        onUpdate(u);
      }
    }
  }

  /** The actions of the playbooks that {@code update}'s new alerts (and a resolution) trigger. */
  private List<Plan> plans(IncidentUpdate update) {
    StoredIncident incident = update.incident();
    List<Plan> plans = new ArrayList<>();
    for (StoredAlert alert : update.newAlerts()) {
      Alert a = alert.alert();
      for (Playbook p : playbooks.all()) {
        if (p.enabled() && p.trigger().matches(a.severity(), a.ruleId(), a.tags(), incident.entityType())) {
          for (Playbook.Action action : p.actions()) {
            plans.addAll(plan(p, action, incident, alert));
          }
        }
      }
    }
    if (update.statusChanged() && incident.status() == IncidentStatus.RESOLVED) {
      resolvePlan(incident).ifPresent(plans::add);
    }
    return plans;
  }

  /**
   * Inserts the plans in one transaction (each dedup key once; pending ones only while the outbox has room), wakes
   * the workers, and hands the actions decided at once to the recorder thread: the caller only waits for one write.
   */
  private void queueAll(List<Plan> plans) {
    if (plans.isEmpty()) {
      return;
    }
    Map<String, Plan> unique = new LinkedHashMap<>();
    for (Plan p : plans) {
      unique.putIfAbsent(p.dedupKey() != null ? p.dedupKey() : "#" + unique.size(), p);
    }
    long room = config.outboxCapacity() - store.actions().countPending();
    List<Actions.NewAction> rows = new ArrayList<>(unique.size());
    for (Plan p : unique.values()) {
      Plan plan = p;
      if (plan.status() == ActionStatus.PENDING) {
        if (room <= 0) {
          outboxFull.increment();
          plan = with(plan, ActionStatus.REFUSED, "outbox full");
        } else {
          room--;
        }
      }
      rows.add(new Actions.NewAction(plan.dedupKey(), plan.type(), json(plan.params()), plan.incidentId(),
          plan.alertId(), plan.trigger(), plan.status(), plan.outcome()));
    }
    boolean queued = false;
    for (StoredAction a : store.actions().createAllOnce(rows)) {
      if (a.status() == ActionStatus.PENDING) {
        pending.incrementAndGet();
        queued = true;
      } else {
        recorder.execute(() -> recordEnd(a));
      }
    }
    if (queued) {
      wake();
    }
  }

  /** The plans of one playbook action for one alert (one per channel for alert). */
  private List<Plan> plan(Playbook p, Playbook.Action action, StoredIncident incident, StoredAlert alert) {
    String trigger = "playbook:" + p.id();
    String key = "incident:" + incident.id() + "|" + action.type();
    boolean dryRun = config.dryRun() || p.dryRun();
    String dryWhy = config.dryRun() ? "dry run (PHOSOR_RESPONSE_DRY_RUN)" : "dry run (playbook " + p.id() + ")";
    List<Plan> out = new ArrayList<>();
    switch (action.type()) {
      case "block_ip" -> {
        String ip = entity(incident, alert, "ip", "source.ip");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("ip", ip);
        params.put("duration_seconds", action.durationSeconds() != null ? action.durationSeconds()
            : blocks.defaultTtl().toSeconds());
        params.put("reason", "incident " + incident.id() + ": " + incident.title());
        String norm = IpAddresses.normalize(ip);
        String dedup = key + (norm != null ? "|ip:" + norm : ip == null ? "|none" : "|invalid");
        if (norm != null) {
          params.put("ip", norm);
        }
        out.add(guard(new Plan("block_ip", params, dedup, trigger, incident.id(), alert.id(), null, null), dryRun,
            dryWhy));
      }
      case "disable_account" -> {
        String user = entity(incident, alert, "user", "user.name");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("user", user);
        out.add(guard(new Plan("disable_account", params, key + (user == null ? "|none" : "|user:" + user), trigger,
            incident.id(), alert.id(), null, null), dryRun, dryWhy));
      }
      case "alert" -> {
        List<String> channels = action.channels().isEmpty() ? defaultChannels() : action.channels();
        // One notification per channel and incident severity: a channel is told once about an incident, and told
        // again when the incident escalates (medium -> critical), never twice at the same severity.
        String severity = incident.severity().label();
        for (String c : channels) {
          Map<String, Object> params = new LinkedHashMap<>();
          params.put("channel", c);
          params.put("resolve", false);
          params.put("severity", severity);
          out.add(guard(new Plan("alert", params, key + "|channel:" + c + "|severity:" + severity, trigger,
              incident.id(), alert.id(), null, null), dryRun, dryWhy));
        }
      }
      default -> {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("message", action.message() != null ? action.message() : p.name());
        out.add(guard(new Plan("log", params, key + "|playbook:" + p.id(), trigger, incident.id(), alert.id(), null,
            null), dryRun, dryWhy));
      }
    }
    return out;
  }

  /** Every configured channel, in a fixed order. */
  private List<String> defaultChannels() {
    return PlaybookParser.CHANNELS.stream().filter(notifiers::containsKey).toList();
  }

  /** The incident's entity of {@code type}, or the alert's group-key field. */
  private static String entity(StoredIncident incident, StoredAlert alert, String type, String groupField) {
    if (type.equals(incident.entityType()) && incident.entityValue() != null) {
      return incident.entityValue();
    }
    return alert == null ? null : alert.alert().groupKey().get(groupField);
  }

  /** The guards, in order: allowed actions, entity, configuration, allow-list, dry run. */
  private Plan guard(Plan p, boolean dryRun, String dryWhy) {
    String refused = refusal(p);
    if (refused != null) {
      return with(p, ActionStatus.REFUSED, refused);
    }
    if (dryRun) {
      return with(p, ActionStatus.DRY_RUN, dryWhy + ": would " + describe(p));
    }
    return with(p, ActionStatus.PENDING, null);
  }

  private String refusal(Plan p) {
    if (!config.allowedActions().contains(p.type())) {
      return "not allowed by ALLOWED_RESPONSE_ACTIONS";
    }
    switch (p.type()) {
      case "block_ip" -> {
        Object ip = p.params().get("ip");
        if (ip == null) {
          return "no ip entity";
        }
        try {
          blocks.check(ip.toString());
        } catch (Refused r) {
          return r.getMessage();
        }
      }
      case "disable_account" -> {
        if (p.params().get("user") == null) {
          return "no user entity";
        }
        if (disabler == null) {
          return "not configured";
        }
      }
      case "alert" -> {
        if (!notifiers.containsKey((String) p.params().get("channel"))) {
          return "not configured";
        }
      }
      default -> { }
    }
    return null;
  }

  private static Plan with(Plan p, ActionStatus s, String outcome) {
    return new Plan(p.type(), p.params(), p.dedupKey(), p.trigger(), p.incidentId(), p.alertId(), s, outcome);
  }

  private static String describe(Plan p) {
    Map<String, Object> m = p.params();
    return switch (p.type()) {
      case "block_ip" -> "block " + m.get("ip") + " for " + m.get("duration_seconds") + " s";
      case "disable_account" -> "disable account " + m.get("user");
      case "alert" -> (Boolean.TRUE.equals(m.get("resolve")) ? "resolve on " : "alert ") + m.get("channel");
      default -> "log \"" + m.get("message") + "\"";
    };
  }

  /** Inserts the plan (once per dedup key); a pending one only while the outbox has room. */
  private Optional<StoredAction> queue(Plan p) {
    Plan plan = p;
    if (plan.status() == ActionStatus.PENDING && store.actions().countPending() >= config.outboxCapacity()) {
      outboxFull.increment();
      plan = with(plan, ActionStatus.REFUSED, "outbox full");
    }
    Optional<StoredAction> created = store.actions().createOnce(plan.dedupKey(), plan.type(), json(plan.params()),
        plan.incidentId(), plan.alertId(), plan.trigger(), plan.status(), plan.outcome());
    created.ifPresent(a -> {
      if (a.status() == ActionStatus.PENDING) {
        pending.incrementAndGet();
        wake();
      } else {
        recordEnd(a);
      }
    });
    return created;
  }

  /** A resolve notice to PagerDuty for an incident whose trigger went there. */
  private Optional<Plan> resolvePlan(StoredIncident incident) {
    String triggerKey = "incident:" + incident.id() + "|alert|channel:pagerduty";
    // the latest PagerDuty trigger of the incident (one per severity it reached) that was not refused
    Optional<StoredAction> sent = store.actions().forIncident(incident.id()).stream()
        .filter(a -> a.type().equals("alert") && a.dedupKey() != null && a.dedupKey().startsWith(triggerKey + "|severity:")
            && a.status() != ActionStatus.REFUSED)
        .reduce((first, second) -> second);
    if (sent.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("channel", "pagerduty");
    params.put("resolve", true);
    Plan p = new Plan("alert", params, triggerKey + "|resolve", sent.get().trigger(), incident.id(), null, null, null);
    boolean dry = sent.get().status() == ActionStatus.DRY_RUN;
    return Optional.of(guard(p, dry || config.dryRun(), dry ? "dry run (the trigger was a dry run)"
        : "dry run (PHOSOR_RESPONSE_DRY_RUN)"));
  }

  // ---------------------------------------------------------------- manual actions

  /**
   * Runs one action now (POST /api/respond) through the same guards and recording, on the caller's thread (at most
   * the action timeout); a retryable failure leaves it pending for the workers. Returns the recorded action.
   *
   * @throws IllegalArgumentException when the type, target or parameters are not valid
   */
  StoredAction runManual(String type, String target, Long incidentId, Map<String, Object> parameters, boolean dryRun,
      String who) {
    if (type == null || !io.phosor.config.ResponseConfig.ACTION_TYPES.contains(type)) {
      throw new IllegalArgumentException("action must be one of alert, block_ip, disable_account, log, was '"
          + BlockService.abbreviate(type) + "'");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    switch (type) {
      case "block_ip" -> {
        if (target == null || IpAddresses.normalize(target) == null) {
          throw new IllegalArgumentException("target must be an IPv4 or IPv6 address, was '"
              + BlockService.abbreviate(target) + "'");
        }
        params.put("ip", IpAddresses.normalize(target));
        Object d = parameters.get("duration_seconds");
        long seconds = blocks.defaultTtl().toSeconds();
        if (d != null) {
          if (!(d instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < PlaybookParser.MIN_DURATION
              || n.longValue() > PlaybookParser.MAX_DURATION) {
            throw new IllegalArgumentException("parameters.duration_seconds must be a whole number from "
                + PlaybookParser.MIN_DURATION + " to " + PlaybookParser.MAX_DURATION);
          }
          seconds = ((Number) d).longValue();
        }
        params.put("duration_seconds", seconds);
        Object reason = parameters.get("reason");
        params.put("reason", reason == null ? "manual block by " + who : reason.toString());
      }
      case "disable_account" -> {
        if (target == null || target.isBlank() || target.length() > 200 || target.chars().anyMatch(Character::isISOControl)) {
          throw new IllegalArgumentException("target must be the user name to disable");
        }
        params.put("user", target.trim());
      }
      case "alert" -> {
        String channel = target != null ? target : (String) parameters.get("channel");
        if (channel == null || !PlaybookParser.CHANNELS.contains(channel)) {
          throw new IllegalArgumentException("target must be the channel: one of " + PlaybookParser.CHANNELS);
        }
        params.put("channel", channel);
        params.put("resolve", false);
      }
      default -> {
        Object m = parameters.get("message");
        params.put("message", m == null ? (target == null ? "manual log entry by " + who : target) : m.toString());
      }
    }
    if (incidentId != null && store.incidents().get(incidentId).isEmpty()) {
      throw new io.phosor.store.StoreNotFoundException("incident " + incidentId + " does not exist");
    }
    Plan plan = guard(new Plan(type, params, null, "manual:" + who, incidentId, null, null, null),
        dryRun || config.dryRun(), config.dryRun() ? "dry run (PHOSOR_RESPONSE_DRY_RUN)" : "dry run (requested)");
    if (plan.status() != ActionStatus.PENDING) {
      return queue(plan).orElseThrow();
    }
    StoredAction a = store.actions().createOnce(null, type, json(params), incidentId, null, plan.trigger(),
        ActionStatus.RUNNING, null).orElseThrow();
    a = store.actions().update(a.id(), ActionStatus.RUNNING, 1, null);
    return execute(a);
  }

  // ---------------------------------------------------------------- running (worker threads)

  /** Wakes the dispatcher (a new pending action, a free worker). */
  void wake() {
    wakeups.incrementAndGet();
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void dispatch() {
    while (running) {
      int seen = wakeups.get();
      try {
        int free = slots.availablePermits();
        List<StoredAction> due = free > 0 ? store.actions().claimDue(free) : List.of();
        for (StoredAction a : due) {
          slots.acquireUninterruptibly();
          try {
            workers.execute(() -> {
              try {
                execute(a);
              } catch (RuntimeException e) {
                // the outcome could not be stored (database gone): the action stays running and runs again at the
                // next start, like after a crash
                LOG.warn("response: cannot record the outcome of action {} ({}): {}", a.id(), a.type(), e.toString());
              } finally {
                slots.release();
                wake();
              }
            });
          } catch (RuntimeException e) {
            slots.release();
            throw e;
          }
        }
        pending.set(store.actions().countPending());
        if (outboxProblem != null) {
          LOG.info("response: the outbox can be read again");
          outboxProblem = null;
        }
        if (!due.isEmpty() && due.size() == free) {
          continue; // maybe more due: look again once a worker is free
        }
      } catch (RuntimeException e) {
        if (running && !e.toString().equals(outboxProblem)) {
          LOG.warn("response: cannot read the outbox (retrying every {} s): {}", PROBLEM_RETRY_MS / 1000, e.toString());
        }
        outboxProblem = e.toString();
      }
      synchronized (signal) {
        if (running && (wakeups.get() == seen || outboxProblem != null)) {
          try {
            signal.wait(outboxProblem != null ? PROBLEM_RETRY_MS : POLL_MS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /** Runs one attempt of a running action with the timeout and records how it went; returns it as recorded. */
  StoredAction execute(StoredAction a) {
    Future<String> f = attempts.submit(() -> perform(a));
    String outcome;
    try {
      outcome = f.get(config.actionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return failed(a, "timed out after " + config.actionTimeout().toSeconds() + " s", true);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      return failed(a, "interrupted (shutdown)", true);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Refused r) {
        return finish(a, ActionStatus.REFUSED, r.getMessage());
      }
      if (c instanceof ActionFailure af) {
        return failed(a, af.getMessage(), af.retryable());
      }
      LOG.warn("response: action {} ({}) failed: {}", a.id(), a.type(), c.toString());
      return failed(a, "internal error: " + c.getClass().getSimpleName(), true);
    } catch (RuntimeException e) {
      return failed(a, "internal error: " + e.getClass().getSimpleName(), true);
    }
    return finish(a, ActionStatus.SUCCEEDED, outcome);
  }

  private StoredAction failed(StoredAction a, String why, boolean retryable) {
    if (retryable && a.attempts() < config.maxAttempts()) {
      Instant next = clock.instant().plus(backoff(a.attempts()));
      StoredAction r = store.actions().retryAt(a.id(), next, "attempt " + a.attempts() + " failed: " + why
          + "; next attempt at " + next);
      pending.incrementAndGet();
      count(r.type(), "retried");
      return r;
    }
    return finish(a, ActionStatus.FAILED, a.attempts() > 1 ? why + " (after " + a.attempts() + " attempts)" : why);
  }

  /** The wait after {@code attempt} failed: 2 s, 4 s, 8 s, ... at most 5 minutes. */
  static Duration backoff(int attempt) {
    long seconds = FIRST_BACKOFF.toSeconds() << Math.min(Math.max(attempt - 1, 0), 20);
    return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
  }

  private StoredAction finish(StoredAction a, ActionStatus status, String outcome) {
    StoredAction done = store.actions().update(a.id(), status, a.attempts(), truncate(outcome));
    recordEnd(done);
    return done;
  }

  /** Timeline entry, audit record, metric and log line of an action that ended. */
  private void recordEnd(StoredAction a) {
    count(a.type(), a.status().label());
    Map<String, Object> params = params(a);
    Object target = params.getOrDefault("ip", params.getOrDefault("user", params.get("channel")));
    ACTION_LOG.info("action={} type={} status={} incident={} target={} trigger={} outcome={}", a.id(), a.type(),
        a.status().label(), a.incidentId(), target, a.trigger(), a.outcome());
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("action_id", a.id());
    detail.put("type", a.type());
    detail.put("status", a.status().label());
    detail.put("target", target);
    detail.put("attempts", a.attempts());
    detail.put("outcome", a.outcome());
    try {
      if (a.incidentId() != null) {
        boolean ok = a.status() == ActionStatus.SUCCEEDED || a.status() == ActionStatus.DRY_RUN;
        store.incidents().appendEvent(a.incidentId(), ok ? "action_executed" : "action_failed", json(detail),
            a.trigger());
      }
    } catch (RuntimeException e) {
      LOG.warn("response: cannot add action {} to the timeline of incident {}: {}", a.id(), a.incidentId(),
          e.toString());
    }
    Map<String, Object> auditDetail = new LinkedHashMap<>(detail);
    auditDetail.put("incident_id", a.incidentId());
    audit.record(a.trigger(), null, null, "response.action", a.type() + (target == null ? "" : ":" + target),
        a.status().label(), auditDetail);
  }

  private void count(String type, String status) {
    counters.computeIfAbsent(type + '\u0000' + status, k -> Counter.builder("phosor.response.actions")
        .description("Response actions by type and how they ended (retried: an attempt failed and was rescheduled)")
        .tag("type", type).tag("status", status).register(registry)).increment();
  }

  /** One attempt: the integration call itself. */
  private String perform(StoredAction a) throws Refused, ActionFailure {
    Map<String, Object> p = params(a);
    switch (a.type()) {
      case "block_ip" -> {
        Object d = p.get("duration_seconds");
        Duration duration = d instanceof Number n ? Duration.ofSeconds(n.longValue()) : null;
        return blocks.block(String.valueOf(p.get("ip")), duration, (String) p.get("reason"), a.incidentId(),
            a.trigger());
      }
      case "disable_account" -> {
        if (disabler == null) {
          throw new Refused("not configured");
        }
        return disabler.kind() + ": " + disabler.disable((String) p.get("user"), notice(a, false));
      }
      case "alert" -> {
        String channel = (String) p.get("channel");
        Notifier n = notifiers.get(channel);
        if (n == null) {
          throw new Refused("not configured");
        }
        return channel + ": " + n.send(notice(a, Boolean.TRUE.equals(p.get("resolve"))));
      }
      case "log" -> {
        String message = String.valueOf(p.get("message"));
        ACTION_LOG.warn("playbook log: incident={} trigger={} message={}", a.incidentId(), a.trigger(), message);
        return "logged: " + message;
      }
      default -> throw new ActionFailure("unknown action type " + a.type(), false);
    }
  }

  /** What a notification or disabler is told about the action's incident and alert. */
  Notice notice(StoredAction a, boolean resolve) {
    StoredIncident incident = a.incidentId() == null ? null : store.incidents().get(a.incidentId()).orElse(null);
    StoredAlert alert = a.alertId() == null ? null : store.alerts().get(a.alertId()).orElse(null);
    Alert al = alert == null ? null : alert.alert();
    Severity severity = incident != null ? incident.severity() : al != null ? al.severity() : Severity.MEDIUM;
    String what = incident != null ? incident.title() : al != null ? al.ruleName() : "manual action by " + a.trigger();
    String title = (resolve ? "[RESOLVED] " : "[" + severity.label().toUpperCase(java.util.Locale.ROOT) + "] ") + what;
    StringBuilder summary = new StringBuilder();
    if (incident != null) {
      summary.append("Incident ").append(incident.id()).append(" (").append(incident.status().label()).append("): ")
          .append(incident.title()).append('\n');
      if (incident.entityType() != null) {
        summary.append("Entity: ").append(incident.entityType()).append(' ').append(incident.entityValue()).append('\n');
      }
    }
    if (al != null) {
      summary.append("Rule: ").append(al.ruleName()).append(" (").append(al.ruleId()).append(")\n");
      summary.append("Alert: ").append(al.summary()).append('\n');
    }
    summary.append("Severity: ").append(severity.label());
    String key = incident != null ? "phosor-incident-" + incident.id()
        : alert != null ? "phosor-alert-" + alert.id() : "phosor-action-" + a.id();
    URI link = null;
    if (config.publicUrl() != null && incident != null) {
      String base = config.publicUrl().toString();
      link = URI.create((base.endsWith("/") ? base : base + "/") + "#/incidents/" + incident.id());
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("action_id", a.id());
    details.put("trigger", a.trigger());
    if (al != null) {
      details.put("alert_count", al.count());
      details.put("group", al.groupKey());
    }
    if (alert != null && alert.enrichment() != null) {
      details.put("enrichment", parse(alert.enrichment()));
    }
    return new Notice(key, resolve, title, severity, summary.toString(), incident == null ? null : incident.id(),
        alert == null ? null : alert.id(), al == null ? null : al.ruleId(), al == null ? List.of() : al.tags(),
        incident != null ? incident.entityType() : null, incident != null ? incident.entityValue() : null,
        al != null ? al.lastSeen() : clock.instant(), link, details);
  }

  private static Object parse(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  static Map<String, Object> params(StoredAction a) {
    if (a.parameters() == null) {
      return Map.of();
    }
    try {
      Map<String, Object> m = JSON.readValue(a.parameters(), new TypeReference<Map<String, Object>>() { });
      return m == null ? Map.of() : m;
    } catch (JsonProcessingException e) {
      return Map.of();
    }
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncate(String s) {
    return s == null || s.length() <= 4000 ? s : s.substring(0, 4000) + "...";
  }

  /** The store the outbox lives in. */
  Store store() {
    return store;
  }

  /** Pending actions (the outbox depth), as last seen. */
  long pendingCount() {
    return pending.get();
  }

  /** Stops the workers; running actions are interrupted and run again at the next start. */
  @Override
  public synchronized void close() {
    running = false;
    wake();
    if (dispatcher != null) {
      try {
        dispatcher.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.shutdownNow();
    attempts.shutdownNow();
    recorder.shutdown();
    try {
      recorder.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
