package io.phosor.store;

import static io.phosor.event.Severity.HIGH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Response actions: created, progressed through their statuses with start and finish times, listed. */
abstract class ActionsContract extends StoreContract {
  @Test
  void anActionRunsAndFinishesWithStartAndFinishTimes() {
    long incident = store.incidents().create("t", HIGH, "ip", "203.0.113.7", "system").id();
    long alert = store.alerts().insertAll(List.of(alert("r", HIGH, 1, 1L))).get(0).id();

    StoredAction created = store.actions().create("block_ip", "{\"ip\":\"203.0.113.7\"}", incident, alert,
        "playbook:brute-force", ActionStatus.PENDING);
    assertThat(created).isEqualTo(new StoredAction(created.id(), "block_ip", "{\"ip\":\"203.0.113.7\"}", incident, alert,
        "playbook:brute-force", ActionStatus.PENDING, 0, null, T0, null, null, null, null));

    clock.advance(Duration.ofSeconds(1));
    StoredAction running = store.actions().update(created.id(), ActionStatus.RUNNING, 1, null);
    clock.advance(Duration.ofSeconds(1));
    StoredAction failedOnce = store.actions().update(created.id(), ActionStatus.RUNNING, 2, "timeout, retrying");
    clock.advance(Duration.ofSeconds(1));
    StoredAction done = store.actions().update(created.id(), ActionStatus.SUCCEEDED, 2, null);

    assertThat(running.startedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(running.finishedAt()).isNull();
    assertThat(failedOnce.startedAt()).as("the first start stands").isEqualTo(T0.plusSeconds(1));
    assertThat(done.status()).isEqualTo(ActionStatus.SUCCEEDED);
    assertThat(done.attempts()).isEqualTo(2);
    assertThat(done.outcome()).as("null keeps the outcome").isEqualTo("timeout, retrying");
    assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(store.actions().get(created.id())).contains(done);
  }

  @Test
  void anActionCreatedAsDryRunOrRefusedIsFinishedAtOnce() {
    StoredAction dry = store.actions().create("disable_user", null, null, null, "manual:alice", ActionStatus.DRY_RUN);
    StoredAction refused = store.actions().create("block_ip", "{\"ip\":\"10.0.0.1\"}", null, null, "manual:alice",
        ActionStatus.REFUSED);

    assertThat(dry.finishedAt()).isEqualTo(T0);
    assertThat(dry.incidentId()).isNull();
    assertThat(dry.alertId()).isNull();
    assertThat(refused.status()).isEqualTo(ActionStatus.REFUSED);
    assertThat(refused.finishedAt()).isEqualTo(T0);
  }

  @Test
  void actionsAreListedNewestFirstAndPerIncidentOldestFirst() {
    long incident = store.incidents().create("t", HIGH, null, null, "system").id();
    long a = store.actions().create("notify", null, incident, null, "t", ActionStatus.PENDING).id();
    long b = store.actions().create("notify", null, null, null, "t", ActionStatus.PENDING).id();
    long c = store.actions().create("block_ip", null, incident, null, "t", ActionStatus.PENDING).id();

    assertThat(store.actions().list(2)).extracting(StoredAction::id).containsExactly(c, b);
    assertThat(store.actions().forIncident(incident)).extracting(StoredAction::id).containsExactly(a, c);
    assertThat(store.actions().get(999_999)).isEmpty();
  }

  @Test
  void unknownReferencesAreNotFoundAndBadParametersRejected() {
    assertThatThrownBy(() -> store.actions().create("x", null, 999_999L, null, "t", ActionStatus.PENDING))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("incident 999999 does not exist");
    assertThatThrownBy(() -> store.actions().create("x", null, null, 999_999L, "t", ActionStatus.PENDING))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("alert 999999 does not exist");
    assertThatThrownBy(() -> store.actions().create("x", "[1,", null, null, "t", ActionStatus.PENDING))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("action parameters is not valid JSON");
    assertThatThrownBy(() -> store.actions().update(999_999, ActionStatus.FAILED, 1, "x"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("action 999999 does not exist");
    assertThat(store.actions().list(10)).isEmpty();
  }

  @Test
  void anActionWithADedupKeyIsCreatedOnceAndFoundByItsKey() {
    long incident = store.incidents().create("t", HIGH, "ip", "203.0.113.7", "system").id();
    String key = "incident:" + incident + "|block_ip|ip:203.0.113.7";

    var first = store.actions().createOnce(key, "block_ip", "{}", incident, null, "playbook:p", ActionStatus.PENDING, null);
    var second = store.actions().createOnce(key, "block_ip", "{}", incident, null, "playbook:q", ActionStatus.PENDING,
        null);
    var refused = store.actions().createOnce(null, "alert", null, incident, null, "playbook:p", ActionStatus.REFUSED,
        "not configured");
    var refusedAgain = store.actions().createOnce(null, "alert", null, incident, null, "playbook:p", ActionStatus.REFUSED,
        "not configured");

    assertThat(first).isPresent();
    assertThat(first.get().dedupKey()).isEqualTo(key);
    assertThat(second).as("the key was used").isEmpty();
    assertThat(refused.get().outcome()).isEqualTo("not configured");
    assertThat(refused.get().finishedAt()).isEqualTo(T0);
    assertThat(refusedAgain).as("no key: no deduplication").isPresent();
    assertThat(store.actions().byDedupKey(key)).contains(first.get());
    assertThat(store.actions().byDedupKey("nope")).isEmpty();
    assertThat(reopen().actions().createOnce(key, "block_ip", "{}", incident, null, "playbook:p", ActionStatus.PENDING,
        null)).as("after a restart too").isEmpty();
  }

  @Test
  void dueActionsAreClaimedOnceRetriedAfterTheirBackoffAndCounted() {
    long a = store.actions().createOnce("a", "alert", null, null, null, "t", ActionStatus.PENDING, null).get().id();
    long b = store.actions().createOnce("b", "alert", null, null, null, "t", ActionStatus.PENDING, null).get().id();
    store.actions().createOnce("c", "alert", null, null, null, "t", ActionStatus.SUCCEEDED, "ok");
    assertThat(store.actions().countPending()).isEqualTo(2);

    List<StoredAction> claimed = store.actions().claimDue(10);
    assertThat(claimed).extracting(StoredAction::id).containsExactly(a, b);
    assertThat(claimed).allSatisfy(x -> {
      assertThat(x.status()).isEqualTo(ActionStatus.RUNNING);
      assertThat(x.attempts()).isEqualTo(1);
      assertThat(x.startedAt()).isEqualTo(T0);
    });
    assertThat(store.actions().claimDue(10)).as("running actions are not claimed again").isEmpty();
    assertThat(store.actions().countPending()).isZero();

    StoredAction later = store.actions().retryAt(a, T0.plusSeconds(30), "HTTP 503, retrying");
    assertThat(later.status()).isEqualTo(ActionStatus.PENDING);
    assertThat(later.nextAttemptAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(later.outcome()).isEqualTo("HTTP 503, retrying");
    clock.advance(Duration.ofSeconds(29));
    assertThat(store.actions().claimDue(10)).as("not due yet").isEmpty();
    clock.advance(Duration.ofSeconds(1));
    StoredAction again = store.actions().claimDue(10).get(0);
    assertThat(again.id()).isEqualTo(a);
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(again.startedAt()).as("the first start stands").isEqualTo(T0);
    assertThat(again.nextAttemptAt()).isNull();
  }

  @Test
  void runningActionsGoBackToPendingAtStartUp() {
    store.actions().createOnce("a", "alert", null, null, null, "t", ActionStatus.PENDING, null);
    store.actions().createOnce("b", "alert", null, null, null, "t", ActionStatus.PENDING, null);
    store.actions().claimDue(1);

    assertThat(reopen().actions().resetRunning()).isEqualTo(1);
    assertThat(store.actions().countPending()).isEqualTo(2);
    assertThat(store.actions().claimDue(10)).hasSize(2);
  }

  @Test
  void actionsAreFilteredByTypeStatusAndIncident() {
    long incident = store.incidents().create("t", HIGH, null, null, "system").id();
    long a = store.actions().createOnce(null, "alert", null, incident, null, "t", ActionStatus.REFUSED, "x").get().id();
    long b = store.actions().createOnce(null, "block_ip", null, incident, null, "t", ActionStatus.PENDING, null).get()
        .id();
    long c = store.actions().createOnce(null, "alert", null, null, null, "t", ActionStatus.PENDING, null).get().id();

    assertThat(store.actions().list(10, "alert", null, null, null)).extracting(StoredAction::id).containsExactly(c, a);
    assertThat(store.actions().list(10, null, ActionStatus.PENDING, null, null)).extracting(StoredAction::id)
        .containsExactly(c, b);
    assertThat(store.actions().list(10, null, null, incident, null)).extracting(StoredAction::id).containsExactly(b, a);
    assertThat(store.actions().list(10, null, null, null, c)).extracting(StoredAction::id).containsExactly(b, a);
  }

  @Test
  void manyActionsAreRecordedInOneCallEachKeyOnce() {
    long incident = store.incidents().create("t", HIGH, "ip", "203.0.113.7", "system").id();
    store.actions().createOnce("k1", "log", null, incident, null, "t", ActionStatus.PENDING, null);

    List<StoredAction> created = store.actions().createAllOnce(List.of(
        new Actions.NewAction("k1", "log", null, incident, null, "t", ActionStatus.PENDING, null),
        new Actions.NewAction("k2", "alert", "{\"channel\":\"slack\"}", incident, null, "t", ActionStatus.PENDING,
            null),
        new Actions.NewAction("k2", "alert", null, incident, null, "t", ActionStatus.PENDING, null),
        new Actions.NewAction("k3", "alert", null, incident, null, "t", ActionStatus.REFUSED, "not configured"),
        new Actions.NewAction(null, "log", null, null, null, "t", ActionStatus.DRY_RUN, "would log")));

    assertThat(created).extracting(StoredAction::dedupKey).containsExactly("k2", "k3", null);
    assertThat(created.get(1).finishedAt()).isEqualTo(T0);
    assertThat(store.actions().createAllOnce(List.of())).isEmpty();
    assertThatThrownBy(() -> store.actions().createAllOnce(List.of(
        new Actions.NewAction("k9", "log", null, null, null, "t", ActionStatus.PENDING, null),
        new Actions.NewAction("k10", "log", null, 999_999L, null, "t", ActionStatus.PENDING, null))))
        .isInstanceOf(StoreNotFoundException.class);
    assertThat(store.actions().byDedupKey("k9")).as("all or nothing").isEmpty();
  }

  @Test
  void workersClaimingAtTheSameTimeNeverGetTheSameAction() throws Exception {
    List<Actions.NewAction> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      rows.add(new Actions.NewAction("k" + i, "log", null, null, null, "t", ActionStatus.PENDING, null));
    }
    store.actions().createAllOnce(rows);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<List<Long>>> claims = new java.util.ArrayList<>();
      for (int w = 0; w < 4; w++) {
        claims.add(pool.submit(() -> {
          List<Long> mine = new java.util.ArrayList<>();
          List<StoredAction> got;
          while (!(got = store.actions().claimDue(3)).isEmpty()) {
            got.forEach(a -> mine.add(a.id()));
          }
          return mine;
        }));
      }
      List<Long> all = new java.util.ArrayList<>();
      for (var f : claims) {
        all.addAll(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      assertThat(all).hasSize(60).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }
}
