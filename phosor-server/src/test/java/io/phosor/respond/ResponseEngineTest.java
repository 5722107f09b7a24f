package io.phosor.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.audit.Audit;
import io.phosor.config.ResponseConfig;
import io.phosor.detect.Alert;
import io.phosor.event.Severity;
import io.phosor.incident.IncidentUpdate;
import io.phosor.store.ActionStatus;
import io.phosor.store.IncidentEvent;
import io.phosor.store.IncidentStatus;
import io.phosor.store.Store;
import io.phosor.store.StoredAction;
import io.phosor.store.StoredAlert;
import io.phosor.store.StoredIncident;
import io.phosor.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The response engine, driven as the incident service drives it: incident updates built from real stored incidents
 * and alerts, real SQLite, test notifiers that record, fail or hang, and a manual clock for backoff.
 */
class ResponseEngineTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration WAIT = Duration.ofSeconds(15);

  final ManualClock clock = new ManualClock(T0);
  final List<String> audited = new CopyOnWriteArrayList<>();
  final Audit audit = (actor, role, address, action, target, outcome, detail) ->
      audited.add(action + " " + target + " " + outcome + " by " + actor);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AtomicLong alertSeq = new AtomicLong();
  final List<ResponseEngine> engines = new ArrayList<>();
  @TempDir
  Path dir;
  Store store;

  /** A notifier that records what it sends; each scripted step fails, hangs, or (when none is left) succeeds. */
  static final class TestNotifier implements Notifier {
    final String channel;
    final List<Notice> sent = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedDeque<Object> script = new ConcurrentLinkedDeque<>();
    final AtomicInteger calls = new AtomicInteger();

    TestNotifier(String channel, Object... steps) {
      this.channel = channel;
      script.addAll(List.of(steps));
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public String send(Notice notice) throws ActionFailure {
      calls.incrementAndGet();
      Object step = script.poll();
      if (step instanceof ActionFailure f) {
        throw f;
      }
      if ("hang".equals(step)) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          throw new ActionFailure("interrupted", true);
        }
      }
      sent.add(notice);
      return "HTTP 200";
    }
  }

  /** A disabler that records the users it disables. */
  static final class TestDisabler implements AccountDisabler {
    final List<String> disabled = new CopyOnWriteArrayList<>();

    @Override
    public String kind() {
      return "scim";
    }

    @Override
    public String disable(String userName, Notice context) {
      disabled.add(userName);
      return "SCIM user " + userName + " active=false (HTTP 200)";
    }
  }

  @BeforeEach
  void open() {
    store = Fixture.store(dir, clock);
  }

  @AfterEach
  void close() {
    engines.forEach(ResponseEngine::close);
    store.close();
  }

  ResponseEngine engine(Map<String, String> env, Playbooks playbooks, AccountDisabler disabler, Notifier... notifiers) {
    ResponseConfig rc = Fixture.config(dir, env).response();
    Map<String, Notifier> byChannel = new java.util.HashMap<>();
    for (Notifier n : notifiers) {
      byChannel.put(n.channel(), n);
    }
    ResponseEngine e = new ResponseEngine(store, playbooks, rc, byChannel, disabler,
        new BlockService(store.blocklist(), rc, audit, registry, clock), audit, registry, clock);
    engines.add(e);
    e.start();
    return e;
  }

  Playbooks defaults() {
    return Playbooks.load(dir.resolve("playbooks-" + alertSeq.incrementAndGet()));
  }

  /** A directory holding exactly these playbooks (YAML). */
  Playbooks playbooks(String... yaml) throws Exception {
    Path d = Files.createDirectories(dir.resolve("custom-" + alertSeq.incrementAndGet()));
    for (String y : yaml) {
      Playbook p = PlaybookParser.parse(y);
      Files.writeString(d.resolve(p.id() + ".yml"), y);
    }
    return Playbooks.load(d);
  }

  StoredAlert storedAlert(Severity severity, Map<String, String> group) {
    long n = alertSeq.incrementAndGet();
    Alert a = new Alert("ssh-brute-force", "SSH brute force", severity, List.of("attack.t1110"), group,
        T0.plusSeconds(n), T0.plusSeconds(n), 5, List.of(n), "5 failed logins");
    return store.alerts().insertAll(List.of(a)).get(0);
  }

  StoredIncident incident(Severity severity, String type, String value) {
    return store.incidents().create("SSH brute force from " + value, severity, type, value, "system");
  }

  /** The update the incident service sends when {@code alert} joins {@code incident}. */
  IncidentUpdate joined(StoredIncident incident, StoredAlert alert, boolean created) {
    store.incidents().linkAlert(incident.id(), alert.id(), "system");
    return new IncidentUpdate(store.incidents().get(incident.id()).orElseThrow(), List.of(alert), created,
        IncidentStatus.OPEN, "system");
  }

  List<StoredAction> actions(long incidentId) {
    return store.actions().forIncident(incidentId);
  }

  StoredAction only(long incidentId, String type) {
    return actions(incidentId).stream().filter(a -> a.type().equals(type)).findFirst().orElseThrow();
  }

  boolean settled(long incidentId) {
    return actions(incidentId).stream().allMatch(a -> a.status().finished());
  }

  static String summary(StoredAction a) {
    Map<String, Object> p = ResponseEngine.params(a);
    Object target = p.getOrDefault("ip", p.getOrDefault("user", p.getOrDefault("channel", p.get("message"))));
    return a.type() + " " + target + " " + a.status().label() + ": " + a.outcome();
  }

  @Test
  void aHighAlertRunsTheDefaultPlaybooksOncePerIncidentAndEntity() {
    TestNotifier slack = new TestNotifier("slack");
    TestNotifier pagerduty = new TestNotifier("pagerduty");
    TestDisabler disabler = new TestDisabler();
    Playbooks playbooks = defaults();
    ResponseEngine engine = engine(Map.of(), playbooks, disabler, slack, pagerduty);
    StoredIncident incident = incident(Severity.HIGH, "ip", "203.0.113.7");
    Map<String, String> group = Map.of("source.ip", "203.0.113.7", "user.name", "alice");
    IncidentUpdate first = joined(incident, storedAlert(Severity.HIGH, group), true);

    engine.onUpdate(first);
    await().atMost(WAIT).until(() -> settled(incident.id()));

    assertThat(actions(incident.id())).extracting(ResponseEngineTest::summary).containsExactlyInAnyOrder(
        "disable_account alice succeeded: scim: SCIM user alice active=false (HTTP 200)",
        "block_ip 203.0.113.7 succeeded: blocked 203.0.113.7 until 2026-01-02T00:00:00Z",
        "alert pagerduty succeeded: pagerduty: HTTP 200",
        "alert slack succeeded: slack: HTTP 200",
        "alert teams refused: not configured",
        "alert email refused: not configured",
        "alert webhook refused: not configured",
        "log low-severity incident succeeded: logged: low-severity incident");
    assertThat(only(incident.id(), "block_ip").dedupKey()).isEqualTo("incident:" + incident.id()
        + "|block_ip|ip:203.0.113.7");
    Notice notice = slack.sent.get(0);
    assertThat(notice.dedupKey()).isEqualTo("phosor-incident-" + incident.id());
    assertThat(notice.title()).isEqualTo("[HIGH] SSH brute force from 203.0.113.7");
    assertThat(notice.incidentId()).isEqualTo(incident.id());
    assertThat(notice.ruleId()).isEqualTo("ssh-brute-force");
    assertThat(notice.tags()).containsExactly("attack.t1110");
    assertThat(notice.entityValue()).isEqualTo("203.0.113.7");
    assertThat(store.blocklist().activeAddresses()).containsExactly("203.0.113.7");

    // a second high alert joins the same incident, the first update is replayed, and the server restarts
    engine.onUpdate(joined(incident, storedAlert(Severity.HIGH, group), false));
    engine.onUpdate(first);
    engine.close();
    ResponseEngine restarted = engine(Map.of(), playbooks, disabler, slack, pagerduty);
    restarted.onUpdate(first);

    assertThat(actions(incident.id())).as("nothing is repeated").hasSize(8);
    assertThat(slack.calls).hasValue(1);
    assertThat(pagerduty.calls).hasValue(1);
    assertThat(disabler.disabled).containsExactly("alice");
    await().atMost(WAIT).until(() -> audited.stream().filter(x -> x.startsWith("response.action")).count() == 8);
    assertThat(store.incidents().timeline(incident.id())).extracting(IncidentEvent::kind)
        .filteredOn(k -> k.startsWith("action_")).hasSize(8).containsOnly("action_executed", "action_failed");
    IncidentEvent blocked = store.incidents().timeline(incident.id()).stream()
        .filter(e -> e.detail() != null && e.detail().contains("\"block_ip\"")).findFirst().orElseThrow();
    assertThat(blocked.kind()).isEqualTo("action_executed");
    assertThat(blocked.by()).isEqualTo("playbook:high-severity");
    assertThat(audited).contains("response.action block_ip:203.0.113.7 succeeded by playbook:high-severity",
        "response.action alert:teams refused by playbook:high-severity");
    assertThat(registry.get("phosor.response.actions").tag("type", "alert").tag("status", "succeeded").counter()
        .count()).isEqualTo(2);
  }

  @Test
  void actionsOutsideAllowedResponseActionsAreRecordedAsRefused() {
    TestNotifier slack = new TestNotifier("slack");
    TestDisabler disabler = new TestDisabler();
    ResponseEngine engine = engine(Map.of("PHOSOR_ALLOWED_RESPONSE_ACTIONS", "alert,log"), defaults(), disabler, slack);
    StoredIncident incident = incident(Severity.HIGH, "ip", "203.0.113.7");

    engine.onUpdate(joined(incident, storedAlert(Severity.HIGH, Map.of("user.name", "alice")), true));
    await().atMost(WAIT).until(() -> settled(incident.id()) && slack.calls.get() == 1);

    assertThat(summary(only(incident.id(), "block_ip"))).isEqualTo(
        "block_ip 203.0.113.7 refused: not allowed by ALLOWED_RESPONSE_ACTIONS");
    assertThat(summary(only(incident.id(), "disable_account"))).isEqualTo(
        "disable_account alice refused: not allowed by ALLOWED_RESPONSE_ACTIONS");
    assertThat(store.blocklist().activeAddresses()).isEmpty();
    assertThat(disabler.disabled).isEmpty();
  }

  @Test
  void globalDryRunRecordsWhatWouldHaveRunAndRunsNothing() {
    TestNotifier slack = new TestNotifier("slack");
    TestDisabler disabler = new TestDisabler();
    ResponseEngine engine = engine(Map.of("PHOSOR_RESPONSE_DRY_RUN", "true"), defaults(), disabler, slack);
    StoredIncident incident = incident(Severity.CRITICAL, "user", "alice");

    engine.onUpdate(joined(incident, storedAlert(Severity.CRITICAL, Map.of("source.ip", "198.51.100.4")), true));

    assertThat(summary(only(incident.id(), "block_ip"))).isEqualTo("block_ip 198.51.100.4 dry_run: dry run "
        + "(PHOSOR_RESPONSE_DRY_RUN): would block 198.51.100.4 for 86400 s");
    assertThat(summary(only(incident.id(), "disable_account"))).isEqualTo("disable_account alice dry_run: dry run "
        + "(PHOSOR_RESPONSE_DRY_RUN): would disable account alice");
    assertThat(actions(incident.id())).filteredOn(a -> a.type().equals("alert") && a.status() == ActionStatus.DRY_RUN)
        .extracting(ResponseEngineTest::summary).containsExactly(
            "alert slack dry_run: dry run (PHOSOR_RESPONSE_DRY_RUN): would alert slack");
    assertThat(actions(incident.id())).allMatch(a -> a.status().finished());
    assertThat(slack.calls).hasValue(0);
    assertThat(disabler.disabled).isEmpty();
    assertThat(store.blocklist().activeAddresses()).isEmpty();
  }

  @Test
  void aPlaybookInDryRunRecordsItsActionsWhileOthersRun() throws Exception {
    Playbooks books = playbooks(
        "id: contain\nname: c\ndry_run: true\ntrigger: {severity: low}\nactions: [{type: block_ip, duration_seconds: 600}]\n",
        "id: tell\nname: t\ntrigger: {severity: low}\nactions: [{type: alert, channels: [slack]}]\n");
    TestNotifier slack = new TestNotifier("slack");
    ResponseEngine engine = engine(Map.of(), books, null, slack);
    StoredIncident incident = incident(Severity.LOW, "ip", "192.0.2.44");

    engine.onUpdate(joined(incident, storedAlert(Severity.LOW, Map.of()), true));
    await().atMost(WAIT).until(() -> settled(incident.id()));

    assertThat(actions(incident.id())).extracting(ResponseEngineTest::summary).containsExactlyInAnyOrder(
        "block_ip 192.0.2.44 dry_run: dry run (playbook contain): would block 192.0.2.44 for 600 s",
        "alert slack succeeded: slack: HTTP 200");
    assertThat(store.blocklist().activeAddresses()).isEmpty();
  }

  @Test
  void aRetryableFailureIsRetriedWithExponentialBackoffThenSucceeds() throws Exception {
    TestNotifier slack = new TestNotifier("slack", new ActionFailure("HTTP 503", true),
        new ActionFailure("connection refused", true));
    ResponseEngine engine = engine(Map.of(), playbooks(
        "id: tell\nname: t\ntrigger: {severity: low}\nactions: [{type: alert, channels: [slack]}]\n"), null, slack);
    StoredIncident incident = incident(Severity.MEDIUM, "ip", "192.0.2.1");

    engine.onUpdate(joined(incident, storedAlert(Severity.MEDIUM, Map.of()), true));

    await().atMost(WAIT).until(() -> only(incident.id(), "alert").nextAttemptAt() != null);
    StoredAction once = only(incident.id(), "alert");
    assertThat(once.status()).isEqualTo(ActionStatus.PENDING);
    assertThat(once.attempts()).isEqualTo(1);
    assertThat(once.nextAttemptAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(once.outcome()).isEqualTo("attempt 1 failed: HTTP 503; next attempt at 2026-01-01T00:00:02Z");
    await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> slack.calls.get() == 1);

    clock.advance(Duration.ofSeconds(2));
    await().atMost(WAIT).until(() -> only(incident.id(), "alert").attempts() == 2
        && only(incident.id(), "alert").status() == ActionStatus.PENDING);
    assertThat(only(incident.id(), "alert").nextAttemptAt()).as("doubled").isEqualTo(T0.plusSeconds(2 + 4));

    clock.advance(Duration.ofSeconds(4));
    await().atMost(WAIT).until(() -> only(incident.id(), "alert").status() == ActionStatus.SUCCEEDED);
    StoredAction done = only(incident.id(), "alert");
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(done.outcome()).isEqualTo("slack: HTTP 200");
    assertThat(slack.sent).hasSize(1);
    assertThat(ResponseEngine.backoff(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(ResponseEngine.backoff(30)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aNonRetryableFailureFailsAtOnce() throws Exception {
    TestNotifier slack = new TestNotifier("slack", new ActionFailure("HTTP 404 (the webhook is gone)", false));
    ResponseEngine engine = engine(Map.of(), playbooks(
        "id: tell\nname: t\ntrigger: {severity: low}\nactions: [{type: alert, channels: [slack]}]\n"), null, slack);
    StoredIncident incident = incident(Severity.MEDIUM, "ip", "192.0.2.1");

    engine.onUpdate(joined(incident, storedAlert(Severity.MEDIUM, Map.of()), true));

    await().atMost(WAIT).until(() -> only(incident.id(), "alert").status() == ActionStatus.FAILED);
    StoredAction failed = only(incident.id(), "alert");
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.outcome()).isEqualTo("HTTP 404 (the webhook is gone)");
    assertThat(store.incidents().timeline(incident.id())).extracting(IncidentEvent::kind).contains("action_failed");
  }

  @Test
  void afterMaxAttemptsTheActionIsRecordedAsFailed() throws Exception {
    TestNotifier slack = new TestNotifier("slack", new ActionFailure("HTTP 503", true), new ActionFailure("HTTP 502",
        true));
    ResponseEngine engine = engine(Map.of("PHOSOR_RESPONSE_MAX_ATTEMPTS", "2"), playbooks(
        "id: tell\nname: t\ntrigger: {severity: low}\nactions: [{type: alert, channels: [slack]}]\n"), null, slack);
    StoredIncident incident = incident(Severity.MEDIUM, "ip", "192.0.2.1");

    engine.onUpdate(joined(incident, storedAlert(Severity.MEDIUM, Map.of()), true));
    await().atMost(WAIT).until(() -> only(incident.id(), "alert").nextAttemptAt() != null);
    clock.advance(Duration.ofSeconds(2));

    await().atMost(WAIT).until(() -> only(incident.id(), "alert").status() == ActionStatus.FAILED);
    assertThat(only(incident.id(), "alert").attempts()).isEqualTo(2);
    assertThat(only(incident.id(), "alert").outcome()).isEqualTo("HTTP 502 (after 2 attempts)");
  }

  @Test
  void actionsLeftRunningByACrashRunAgainAfterTheRestart() {
    StoredIncident incident = incident(Severity.MEDIUM, "ip", "192.0.2.1");
    store.actions().createOnce("incident:" + incident.id() + "|alert|channel:slack", "alert",
        "{\"channel\":\"slack\",\"resolve\":false}", incident.id(), null, "playbook:tell", ActionStatus.PENDING, null);
    assertThat(store.actions().claimDue(10)).hasSize(1); // the process dies while this one runs

    TestNotifier slack = new TestNotifier("slack");
    engine(Map.of(), defaults(), null, slack);

    await().atMost(WAIT).until(() -> only(incident.id(), "alert").status() == ActionStatus.SUCCEEDED);
    assertThat(only(incident.id(), "alert").attempts()).isEqualTo(2);
    assertThat(slack.sent).hasSize(1);
  }

  @Test
  void whenTheOutboxIsFullNewActionsAreRefusedAndCounted() throws Exception {
    for (int i = 0; i < 10; i++) {
      store.actions().createOnce("filler-" + i, "log", null, null, null, "test", ActionStatus.PENDING, null);
    }
    ResponseConfig rc = Fixture.config(dir, Map.of("PHOSOR_RESPONSE_OUTBOX_CAPACITY", "10")).response();
    Playbooks books = playbooks("id: tell\nname: t\ntrigger: {severity: low}\nactions: [{type: log}]\n");
    // not started: nothing drains the outbox
    ResponseEngine engine = new ResponseEngine(store, books, rc, Map.of(), null,
        new BlockService(store.blocklist(), rc, audit, registry, clock), audit, registry, clock);
    StoredIncident incident = incident(Severity.LOW, "ip", "192.0.2.1");

    engine.onUpdate(joined(incident, storedAlert(Severity.LOW, Map.of()), true));

    assertThat(summary(only(incident.id(), "log"))).isEqualTo("log t refused: outbox full");
    assertThat(registry.get("phosor.response.outbox.full").counter().count()).isEqualTo(1);
    engine.close();
  }

  @Test
  void aHangingNotifierDelaysNeitherTheListenerNorOtherActionsBeyondTheTimeout() throws Exception {
    TestNotifier slack = new TestNotifier("slack", "hang");
    TestNotifier pagerduty = new TestNotifier("pagerduty");
    ResponseEngine engine = engine(Map.of("PHOSOR_RESPONSE_TIMEOUT_SECONDS", "3", "PHOSOR_RESPONSE_WORKERS", "1"),
        playbooks("id: tell\nname: t\ntrigger: {severity: low}\nactions: [{type: alert, channels: [slack, "
            + "pagerduty]}]\n"), null, slack, pagerduty);
    StoredIncident incident = incident(Severity.HIGH, "ip", "192.0.2.1");
    IncidentUpdate update = joined(incident, storedAlert(Severity.HIGH, Map.of()), true);

    long t = System.nanoTime();
    engine.onUpdate(update);
    Duration listener = Duration.ofNanos(System.nanoTime() - t);

    assertThat(listener).as("the listener only inserts rows").isLessThan(Duration.ofMillis(1500));
    // one worker: the hung call holds it for the timeout, then the next action runs
    await().atMost(Duration.ofSeconds(15)).until(() -> pagerduty.sent.size() == 1);
    StoredAction hung = actions(incident.id()).stream().filter(a -> summary(a).contains("slack")).findFirst()
        .orElseThrow();
    assertThat(hung.status()).isEqualTo(ActionStatus.PENDING);
    assertThat(hung.outcome()).isEqualTo("attempt 1 failed: timed out after 3 s; next attempt at "
        + "2026-01-01T00:00:02Z");
  }

  @Test
  void anIncidentThatEscalatesIsNotifiedAgainOncePerSeverityItReaches() throws Exception {
    TestNotifier slack = new TestNotifier("slack");
    TestNotifier pagerduty = new TestNotifier("pagerduty");
    ResponseEngine engine = engine(Map.of(), defaults(), null, slack, pagerduty);
    StoredIncident incident = incident(Severity.MEDIUM, "ip", "203.0.113.8");
    Map<String, String> group = Map.of("source.ip", "203.0.113.8");

    // medium: the security team hears of it (Slack), PagerDuty does not
    engine.onUpdate(joined(incident, storedAlert(Severity.MEDIUM, group), true));
    await().atMost(WAIT).until(() -> slack.sent.size() == 1 && settled(incident.id()));
    assertThat(pagerduty.sent).isEmpty();
    assertThat(slack.sent.get(0).severity()).isEqualTo(Severity.MEDIUM);

    // a critical alert joins: the incident escalates, Slack hears again and PagerDuty pages, once each
    engine.onUpdate(joined(incident, storedAlert(Severity.CRITICAL, group), false));
    await().atMost(WAIT).until(() -> slack.sent.size() == 2 && pagerduty.sent.size() == 1 && settled(incident.id()));
    assertThat(slack.sent.get(1).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(slack.sent.get(1).title()).startsWith("[CRITICAL] ");

    // more critical alerts: nothing new
    engine.onUpdate(joined(incident, storedAlert(Severity.CRITICAL, group), false));
    await().during(Duration.ofMillis(400)).atMost(WAIT).until(() -> slack.sent.size() == 2 && pagerduty.sent.size() == 1);
    assertThat(actions(incident.id())).filteredOn(a -> a.type().equals("alert"))
        .extracting(StoredAction::dedupKey).contains("incident:" + incident.id() + "|alert|channel:slack|severity:medium",
            "incident:" + incident.id() + "|alert|channel:slack|severity:critical",
            "incident:" + incident.id() + "|alert|channel:pagerduty|severity:critical");
  }

  @Test
  void resolvingAnIncidentSendsAPagerDutyResolveWithTheTriggersKeyOnce() throws Exception {
    TestNotifier pagerduty = new TestNotifier("pagerduty");
    ResponseEngine engine = engine(Map.of(), playbooks(
        "id: page\nname: p\ntrigger: {severity: high}\nactions: [{type: alert, channels: [pagerduty]}]\n"), null,
        pagerduty);
    StoredIncident incident = incident(Severity.HIGH, "ip", "192.0.2.1");
    engine.onUpdate(joined(incident, storedAlert(Severity.HIGH, Map.of()), true));
    await().atMost(WAIT).until(() -> pagerduty.sent.size() == 1);

    StoredIncident resolved = store.incidents().updateStatus(incident.id(), IncidentStatus.RESOLVED, "alice");
    IncidentUpdate update = new IncidentUpdate(resolved, List.of(), false, IncidentStatus.OPEN, "alice");
    engine.onUpdate(update);
    engine.onUpdate(update);

    await().atMost(WAIT).until(() -> pagerduty.sent.size() == 2);
    Notice trigger = pagerduty.sent.get(0);
    Notice resolve = pagerduty.sent.get(1);
    assertThat(trigger.resolve()).isFalse();
    assertThat(resolve.resolve()).isTrue();
    assertThat(resolve.dedupKey()).isEqualTo(trigger.dedupKey()).isEqualTo("phosor-incident-" + incident.id());
    assertThat(resolve.title()).startsWith("[RESOLVED] ");
    await().during(Duration.ofMillis(400)).atMost(WAIT).until(() -> pagerduty.sent.size() == 2);
    assertThat(actions(incident.id())).hasSize(2);
  }

  @Test
  void disableAccountNeedsAUserAndAConfiguredDisabler() throws Exception {
    Playbooks books = playbooks("id: lock\nname: l\ntrigger: {severity: low}\nactions: [{type: disable_account}]\n");
    ResponseEngine engine = engine(Map.of(), books, null);
    StoredIncident byIp = incident(Severity.LOW, "ip", "192.0.2.1");
    StoredIncident byUser = incident(Severity.LOW, "user", "bob");

    engine.onUpdate(joined(byIp, storedAlert(Severity.LOW, Map.of()), true));
    engine.onUpdate(joined(byUser, storedAlert(Severity.LOW, Map.of()), true));

    assertThat(summary(only(byIp.id(), "disable_account"))).isEqualTo("disable_account null refused: no user entity");
    assertThat(summary(only(byUser.id(), "disable_account"))).isEqualTo("disable_account bob refused: not configured");
    assertThat(store.actions().list(10, null, null, null, null)).hasSize(2)
        .isSortedAccordingTo(Comparator.comparing(StoredAction::id).reversed());
  }

  @Test
  void aDisabledPlaybookOrAnUnmatchedTriggerQueuesNothing() throws Exception {
    Playbooks books = playbooks(
        "id: disabled\nname: o\nenabled: false\ntrigger: {severity: low}\nactions: [{type: log}]\n",
        "id: users\nname: u\ntrigger: {severity: low, entity_types: [user]}\nactions: [{type: log}]\n",
        "id: other-rule\nname: r\ntrigger: {severity: low, rules: [port-scan]}\nactions: [{type: log}]\n",
        "id: critical\nname: c\ntrigger: {severity: critical}\nactions: [{type: log}]\n");
    ResponseEngine engine = engine(Map.of(), books, null);
    StoredIncident incident = incident(Severity.HIGH, "ip", "192.0.2.1");

    engine.onUpdate(joined(incident, storedAlert(Severity.HIGH, Map.of()), true));

    assertThat(actions(incident.id())).isEmpty();
  }
}
