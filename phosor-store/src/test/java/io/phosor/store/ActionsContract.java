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
        "playbook:brute-force", ActionStatus.PENDING, 0, null, T0, null, null));

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
}
