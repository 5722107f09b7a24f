package io.phosor.store;

import static io.phosor.event.Severity.HIGH;
import static io.phosor.event.Severity.LOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Incidents: creation, status, assignment, notes, linked alerts, and the timeline every change lands in. */
abstract class IncidentsContract extends StoreContract {
  @Test
  void aNewIncidentIsOpenAndItsTimelineStartsWithCreated() {
    StoredIncident i = store.incidents().create("Brute force from 203.0.113.7", HIGH, "ip", "203.0.113.7", "system");

    assertThat(i).isEqualTo(new StoredIncident(i.id(), "Brute force from 203.0.113.7", HIGH, IncidentStatus.OPEN, "ip",
        "203.0.113.7", null, "system", T0, T0));
    assertThat(store.incidents().get(i.id())).contains(i);
    assertThat(store.incidents().timeline(i.id())).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo("created");
      assertThat(e.by()).isEqualTo("system");
      assertThat(e.detail()).isEqualTo("{\"title\":\"Brute force from 203.0.113.7\",\"severity\":\"high\"}");
    });
    assertThat(store.incidents().get(999_999)).isEmpty();
  }

  @Test
  void statusChangesAndAssignmentsAreRecordedWithFromAndTo() {
    long id = store.incidents().create("t", LOW, null, null, "alice").id();
    clock.advance(Duration.ofMinutes(1));

    StoredIncident acked = store.incidents().updateStatus(id, IncidentStatus.ACKNOWLEDGED, "alice");
    StoredIncident assigned = store.incidents().assign(id, "bob", "alice");
    assertThat(store.incidents().updateStatus(id, IncidentStatus.ACKNOWLEDGED, "alice")).isEqualTo(assigned);
    assertThat(store.incidents().assign(id, "bob", "alice")).isEqualTo(assigned);
    store.incidents().assign(id, null, "bob");
    StoredIncident reopened = store.incidents().updateStatus(id, IncidentStatus.RESOLVED, "bob");

    assertThat(acked.status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(acked.updatedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(assigned.assignee()).isEqualTo("bob");
    assertThat(reopened.assignee()).isNull();
    assertThat(store.incidents().timeline(id)).extracting(IncidentEvent::kind, IncidentEvent::detail, IncidentEvent::by)
        .containsExactly(
            tuple("created", "{\"title\":\"t\",\"severity\":\"low\"}", "alice"),
            tuple("status_changed", "{\"from\":\"open\",\"to\":\"acknowledged\"}", "alice"),
            tuple("assigned", "{\"from\":null,\"to\":\"bob\"}", "alice"),
            tuple("assigned", "{\"from\":\"bob\",\"to\":null}", "bob"),
            tuple("status_changed", "{\"from\":\"acknowledged\",\"to\":\"resolved\"}", "bob"));
  }

  @Test
  void notesAndOtherEntriesAreAppendedToTheTimelineAndBumpUpdatedAt() {
    long id = store.incidents().create("t", LOW, null, null, "alice").id();
    clock.advance(Duration.ofMinutes(3));

    IncidentEvent note = store.incidents().addNote(id, "blocked at the firewall \"edge-1\"", "bob");
    IncidentEvent custom = store.incidents().appendEvent(id, "action_executed", "{\"action\":\"block_ip\"}", "system");

    assertThat(note.kind()).isEqualTo("note");
    assertThat(note.detail()).isEqualTo("{\"text\":\"blocked at the firewall \\\"edge-1\\\"\"}");
    assertThat(note.at()).isEqualTo(T0.plusSeconds(180));
    assertThat(store.incidents().timeline(id)).extracting(IncidentEvent::id).containsExactly(
        store.incidents().timeline(id).get(0).id(), note.id(), custom.id());
    assertThat(store.incidents().get(id).orElseThrow().updatedAt()).isEqualTo(T0.plusSeconds(180));
  }

  @Test
  void linkingAnAlertIsIdempotentAndNeedsBothToExist() {
    long id = store.incidents().create("t", LOW, null, null, "alice").id();
    List<StoredAlert> alerts = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L), alert("r", LOW, 2, 2L)));

    assertThat(store.incidents().linkAlert(id, alerts.get(1).id(), "alice")).isTrue();
    assertThat(store.incidents().linkAlert(id, alerts.get(0).id(), "alice")).isTrue();
    assertThat(store.incidents().linkAlert(id, alerts.get(1).id(), "bob")).isFalse();

    assertThat(store.incidents().alertIds(id)).containsExactlyInAnyOrder(alerts.get(0).id(), alerts.get(1).id());
    assertThat(store.incidents().timeline(id)).extracting(IncidentEvent::kind)
        .containsExactly("created", "alert_linked", "alert_linked");
    assertThatThrownBy(() -> store.incidents().linkAlert(id, 999_999, "alice"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("alert 999999 does not exist");
    assertThatThrownBy(() -> store.incidents().linkAlert(999_999, alerts.get(0).id(), "alice"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("incident 999999 does not exist");
  }

  @Test
  void listIsNewestFirstAndFiltersByStatus() {
    long a = store.incidents().create("a", LOW, null, null, "x").id();
    long b = store.incidents().create("b", LOW, null, null, "x").id();
    long c = store.incidents().create("c", LOW, null, null, "x").id();
    store.incidents().updateStatus(b, IncidentStatus.RESOLVED, "x");

    assertThat(store.incidents().list(10, null)).extracting(StoredIncident::id).containsExactly(c, b, a);
    assertThat(store.incidents().list(1, null)).extracting(StoredIncident::id).containsExactly(c);
    assertThat(store.incidents().list(10, IncidentStatus.OPEN)).extracting(StoredIncident::id).containsExactly(c, a);
    assertThat(store.incidents().list(10, IncidentStatus.RESOLVED)).extracting(StoredIncident::id).containsExactly(b);
  }

  @Test
  void changingAnUnknownIncidentIsNotFoundAndBadInputIsRejected() {
    assertThatThrownBy(() -> store.incidents().updateStatus(5, IncidentStatus.RESOLVED, "x"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("incident 5 does not exist");
    assertThatThrownBy(() -> store.incidents().addNote(5, "n", "x")).isInstanceOf(StoreNotFoundException.class);
    long id = store.incidents().create("t", LOW, null, null, "x").id();
    assertThatThrownBy(() -> store.incidents().appendEvent(id, "Bad Kind", null, "x"))
        .hasMessage("timeline entry kind must be snake_case (a-z, 0-9, _; at most 50), was \"Bad Kind\"");
    assertThatThrownBy(() -> store.incidents().appendEvent(id, "k", "{not json", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeline entry detail is not valid JSON");
    assertThatThrownBy(() -> store.incidents().create(" ", LOW, null, null, "x")).hasMessage("incident title must not be empty");
    assertThatThrownBy(() -> store.incidents().list(0, null)).hasMessage("limit must be 1-1000, was 0");
    assertThat(store.incidents().timeline(id)).hasSize(1);
  }
}
