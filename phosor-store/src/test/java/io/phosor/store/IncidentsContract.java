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
  void timelineEntriesOfEveryIncidentAreReadAfterACursorInIdOrder() {
    long before = store.incidents().lastEventId();
    long a = store.incidents().create("a", LOW, null, null, "alice").id();
    long b = store.incidents().create("b", LOW, null, null, "alice").id();
    store.incidents().addNote(a, "first", "bob");

    List<IncidentEvent> all = store.incidents().eventsAfter(before, 10);
    assertThat(all).extracting(IncidentEvent::incidentId).containsExactly(a, b, a);
    assertThat(all).extracting(IncidentEvent::kind).containsExactly("created", "created", "note");
    assertThat(store.incidents().lastEventId()).isEqualTo(all.get(2).id());
    assertThat(store.incidents().eventsAfter(all.get(0).id(), 1)).extracting(IncidentEvent::incidentId)
        .containsExactly(b);
    assertThat(store.incidents().eventsAfter(all.get(2).id(), 10)).isEmpty();
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
  void theIncidentsOfSomeAlertsAreListedOnceEachAndUngroupedAlertsAreLeftOut() {
    List<StoredAlert> alerts = store.alerts().insertAll(List.of(alert("r", LOW, 1, 1L), alert("r", LOW, 2, 2L),
        alert("r", LOW, 3, 3L), alert("r", LOW, 4, 4L)));
    long first = store.incidents().create("a", LOW, null, null, "x").id();
    long second = store.incidents().create("b", LOW, null, null, "x").id();
    store.incidents().linkAlert(second, alerts.get(0).id(), "x");
    store.incidents().linkAlert(first, alerts.get(1).id(), "x");
    store.incidents().linkAlert(first, alerts.get(2).id(), "x");

    assertThat(store.incidents().incidentIdsOf(alerts.stream().map(StoredAlert::id).toList()))
        .containsExactly(first, second);
    assertThat(store.incidents().incidentIdsOf(List.of(alerts.get(3).id()))).isEmpty();
    assertThat(store.incidents().incidentIdsOf(List.of())).isEmpty();
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
  /** An alert of {@code rule} about {@code ip} whose last event is {@code seconds} after T0. */
  private StoredAlert stored(String rule, io.phosor.event.Severity severity, String ip, long seconds) {
    java.time.Instant last = T0.plusSeconds(seconds);
    io.phosor.detect.Alert a = new io.phosor.detect.Alert(rule, "Rule " + rule, severity, List.of(), java.util.Map.of(
        "source.ip", ip), last.minusSeconds(5), last, 1, List.of(seconds), "s");
    return store.alerts().insertAll(List.of(a)).get(0);
  }

  private static final Duration WINDOW = Duration.ofMinutes(30);

  @Test
  void groupingOpensAnIncidentThenJoinsAlertsAboutTheSameEntityWithinTheWindow() {
    StoredAlert first = stored("r1", LOW, "203.0.113.7", 0);
    StoredAlert second = stored("r2", LOW, "203.0.113.7", 29 * 60);
    StoredAlert other = stored("r1", LOW, "198.51.100.1", 60);

    AlertGrouping a = store.incidents().group(first.id(), "ip", "203.0.113.7", "Rule r1 from 203.0.113.7", WINDOW,
        "system");
    AlertGrouping b = store.incidents().group(second.id(), "ip", "203.0.113.7", "unused", WINDOW, "system");
    AlertGrouping c = store.incidents().group(other.id(), "ip", "198.51.100.1", "Rule r1 from 198.51.100.1", WINDOW,
        "system");

    assertThat(a.created()).isTrue();
    assertThat(a.linked()).isTrue();
    assertThat(a.incident().title()).isEqualTo("Rule r1 from 203.0.113.7");
    assertThat(a.incident().createdBy()).isEqualTo("system");
    assertThat(b.created()).isFalse();
    assertThat(b.linked()).isTrue();
    assertThat(b.incident().id()).isEqualTo(a.incident().id());
    assertThat(c.incident().id()).isNotEqualTo(a.incident().id());
    assertThat(store.incidents().alertIds(a.incident().id())).containsExactly(first.id(), second.id());
    IncidentSummary summary = store.incidents().summary(a.incident().id()).orElseThrow();
    assertThat(summary.alertCount()).isEqualTo(2);
    assertThat(summary.lastAlertAt()).isEqualTo(T0.plusSeconds(29 * 60));
    assertThat(store.incidents().timeline(a.incident().id())).extracting(IncidentEvent::kind, IncidentEvent::detail)
        .containsExactly(
            tuple("created", "{\"title\":\"Rule r1 from 203.0.113.7\",\"severity\":\"low\"}"),
            tuple("alert_linked", "{\"alert_id\":" + first.id() + ",\"rule\":\"r1\",\"severity\":\"low\"}"),
            tuple("alert_linked", "{\"alert_id\":" + second.id() + ",\"rule\":\"r2\",\"severity\":\"low\"}"));
  }

  @Test
  void groupingABatchInOneTransactionGroupsEachAlertAsGroupingThemOneByOneWould() {
    StoredAlert first = stored("r1", LOW, "203.0.113.7", 0);
    StoredAlert second = stored("r2", HIGH, "203.0.113.7", 29 * 60);
    StoredAlert other = stored("r1", LOW, "198.51.100.1", 60);
    StoredAlert late = stored("r1", LOW, "203.0.113.7", 2 * 29 * 60 + 1); // outside the window of "second"

    List<AlertGrouping> all = store.incidents().groupAll(List.of(
        new Incidents.GroupRequest(first.id(), "ip", "203.0.113.7", "Rule r1 from 203.0.113.7"),
        new Incidents.GroupRequest(second.id(), "ip", "203.0.113.7", "unused"),
        new Incidents.GroupRequest(other.id(), "ip", "198.51.100.1", "Rule r1 from 198.51.100.1"),
        new Incidents.GroupRequest(late.id(), "ip", "203.0.113.7", "Rule r1 again"),
        new Incidents.GroupRequest(first.id(), "ip", "203.0.113.7", "asked twice")), WINDOW, "system");

    assertThat(all).extracting(AlertGrouping::created, AlertGrouping::linked, AlertGrouping::severityRaised)
        .containsExactly(tuple(true, true, false), tuple(false, true, true), tuple(true, true, false),
            tuple(false, true, false), tuple(true, false, false));
    long id = all.get(0).incident().id();
    assertThat(all.get(1).incident().id()).isEqualTo(id);
    assertThat(all.get(1).incident().severity()).isEqualTo(HIGH);
    assertThat(all.get(2).incident().id()).isNotEqualTo(id);
    assertThat(all.get(3).incident().id()).as("the window runs from the incident's last alert").isEqualTo(id);
    assertThat(store.incidents().alertIds(id)).containsExactly(first.id(), second.id(), late.id());
    assertThat(store.incidents().groupAll(List.of(), WINDOW, "system")).isEmpty();
  }

  @Test
  void aBatchWithAMissingAlertGroupsNothing() {
    StoredAlert first = stored("r1", LOW, "203.0.113.7", 0);

    assertThatThrownBy(() -> store.incidents().groupAll(List.of(
        new Incidents.GroupRequest(first.id(), "ip", "203.0.113.7", "t"),
        new Incidents.GroupRequest(999_999, "ip", "203.0.113.7", "t")), WINDOW, "system"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("alert 999999 does not exist");
    assertThat(store.incidents().list(IncidentQuery.newest(10))).isEmpty();
    assertThat(store.incidents().group(first.id(), "ip", "203.0.113.7", "t", WINDOW, "system").linked()).isTrue();
  }

  @Test
  void anAlertOutsideTheWindowOfTheLastAlertOrAboutAResolvedIncidentOpensANewOne() {
    StoredAlert first = stored("r", LOW, "203.0.113.7", 0);
    StoredAlert late = stored("r", LOW, "203.0.113.7", 30 * 60 + 1);
    long one = store.incidents().group(first.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id();
    long two = store.incidents().group(late.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id();
    assertThat(two).isNotEqualTo(one);

    store.incidents().updateStatus(two, IncidentStatus.RESOLVED, "alice");
    StoredAlert again = stored("r", LOW, "203.0.113.7", 30 * 60 + 2);
    long three = store.incidents().group(again.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id();
    assertThat(three).isNotIn(one, two);

    store.incidents().updateStatus(three, IncidentStatus.ACKNOWLEDGED, "alice");
    StoredAlert acked = stored("r", LOW, "203.0.113.7", 30 * 60 + 3);
    assertThat(store.incidents().group(acked.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id())
        .as("an acknowledged incident still takes alerts").isEqualTo(three);
    StoredAlert sameValueOtherType = stored("r", LOW, "203.0.113.7", 30 * 60 + 4);
    assertThat(store.incidents().group(sameValueOtherType.id(), "host", "203.0.113.7", "t", WINDOW, "system").created())
        .isTrue();
  }

  @Test
  void groupingAnAlertAgainChangesNothingAndSaysWhetherItOpenedTheIncident() {
    StoredAlert first = stored("r", LOW, "203.0.113.7", 0);
    StoredAlert second = stored("r", LOW, "203.0.113.7", 10);
    long id = store.incidents().group(first.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id();
    store.incidents().group(second.id(), "ip", "203.0.113.7", "t", WINDOW, "system");
    int entries = store.incidents().timeline(id).size();

    AlertGrouping again = store.incidents().group(first.id(), "ip", "203.0.113.7", "t", WINDOW, "system");
    AlertGrouping againSecond = store.incidents().group(second.id(), "ip", "203.0.113.7", "t", WINDOW, "system");

    assertThat(again.linked()).isFalse();
    assertThat(again.created()).isTrue();
    assertThat(again.incident().id()).isEqualTo(id);
    assertThat(againSecond.linked()).isFalse();
    assertThat(againSecond.created()).isFalse();
    assertThat(store.incidents().timeline(id)).hasSize(entries);
    assertThat(store.incidents().list(IncidentQuery.newest(10))).hasSize(1);
    assertThatThrownBy(() -> store.incidents().group(999_999, "ip", "x", "t", WINDOW, "system"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("alert 999999 does not exist");
  }

  @Test
  void theSeverityIsRaisedToTheHighestAlertAndNeverLowered() {
    StoredAlert low = stored("r", LOW, "203.0.113.7", 0);
    StoredAlert critical = stored("r", io.phosor.event.Severity.CRITICAL, "203.0.113.7", 10);
    StoredAlert medium = stored("r", io.phosor.event.Severity.MEDIUM, "203.0.113.7", 20);
    long id = store.incidents().group(low.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id();

    AlertGrouping raised = store.incidents().group(critical.id(), "ip", "203.0.113.7", "t", WINDOW, "system");
    AlertGrouping notLowered = store.incidents().group(medium.id(), "ip", "203.0.113.7", "t", WINDOW, "system");

    assertThat(raised.severityRaised()).isTrue();
    assertThat(raised.incident().severity()).isEqualTo(io.phosor.event.Severity.CRITICAL);
    assertThat(notLowered.severityRaised()).isFalse();
    assertThat(notLowered.incident().severity()).isEqualTo(io.phosor.event.Severity.CRITICAL);
    assertThat(store.incidents().timeline(id)).filteredOn(e -> e.kind().equals("severity_raised"))
        .extracting(IncidentEvent::detail)
        .containsExactly("{\"from\":\"low\",\"to\":\"critical\",\"alert_id\":" + critical.id() + "}");
    assertThat(store.incidents().raiseSeverity(id, HIGH, "alice").severity()).isEqualTo(io.phosor.event.Severity.CRITICAL);
    long other = store.incidents().create("o", LOW, null, null, "alice").id();
    assertThat(store.incidents().raiseSeverity(other, HIGH, "alice").severity()).isEqualTo(HIGH);
    assertThat(store.incidents().timeline(other)).extracting(IncidentEvent::detail).last()
        .isEqualTo("{\"from\":\"low\",\"to\":\"high\"}");
  }

  @Test
  void alertsArrivingLateJoinWhenWithinTheWindowEitherSideAndTheLastAlertTimeOnlyMovesForward() {
    StoredAlert newer = stored("r", LOW, "203.0.113.7", 3600);
    StoredAlert older = stored("r", LOW, "203.0.113.7", 3600 - 600);
    long id = store.incidents().group(newer.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id();

    assertThat(store.incidents().group(older.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id())
        .isEqualTo(id);
    assertThat(store.incidents().summary(id).orElseThrow().lastAlertAt()).isEqualTo(T0.plusSeconds(3600));
  }

  @Test
  void listFiltersByStatusSeverityAssigneeAndEntityAndPagesWithBeforeId() {
    long a = store.incidents().group(stored("r", LOW, "203.0.113.1", 0).id(), "ip", "203.0.113.1", "a", WINDOW,
        "system").incident().id();
    long b = store.incidents().group(stored("r", HIGH, "203.0.113.2", 0).id(), "ip", "203.0.113.2", "b", WINDOW,
        "system").incident().id();
    long c = store.incidents().create("c", io.phosor.event.Severity.CRITICAL, "user", "alice", "bob").id();
    store.incidents().assign(b, "bob", "alice");
    store.incidents().updateStatus(a, IncidentStatus.RESOLVED, "alice");

    assertThat(ids(IncidentQuery.newest(10))).containsExactly(c, b, a);
    assertThat(ids(IncidentQuery.newest(10).withStatus(IncidentStatus.OPEN))).containsExactly(c, b);
    assertThat(ids(IncidentQuery.newest(10).withMinSeverity(HIGH))).containsExactly(c, b);
    assertThat(ids(IncidentQuery.newest(10).withMinSeverity(io.phosor.event.Severity.CRITICAL))).containsExactly(c);
    assertThat(ids(IncidentQuery.newest(10).withAssignee("bob"))).containsExactly(b);
    assertThat(ids(IncidentQuery.newest(10).withEntity("ip", null))).containsExactly(b, a);
    assertThat(ids(IncidentQuery.newest(10).withEntity("ip", "203.0.113.1"))).containsExactly(a);
    assertThat(ids(IncidentQuery.newest(10).withEntity(null, "alice"))).containsExactly(c);
    assertThat(ids(IncidentQuery.newest(1).withBeforeId(c))).containsExactly(b);
    List<IncidentSummary> all = store.incidents().list(IncidentQuery.newest(10));
    assertThat(all).extracting(IncidentSummary::alertCount).containsExactly(0L, 1L, 1L);
    assertThat(all.get(0).lastAlertAt()).isNull();
    assertThat(all.get(1).lastAlertAt()).isEqualTo(T0);
    assertThat(store.incidents().countByStatus()).containsEntry(IncidentStatus.OPEN, 2L)
        .containsEntry(IncidentStatus.ACKNOWLEDGED, 0L).containsEntry(IncidentStatus.RESOLVED, 1L);
    assertThat(store.incidents().summary(999_999)).isEmpty();
    assertThatThrownBy(() -> IncidentQuery.newest(1001)).hasMessage("limit must be 1-1000, was 1001");
  }

  @Test
  void resolvingAnIncidentResolvesItsOpenAlertsInTheSameTransactionAndRecordsThem() {
    StoredAlert open = stored("r", LOW, "203.0.113.7", 0);
    StoredAlert acked = stored("r", LOW, "203.0.113.7", 10);
    StoredAlert resolved = stored("r", LOW, "203.0.113.7", 20);
    long id = 0;
    for (StoredAlert s : List.of(open, acked, resolved)) {
      id = store.incidents().group(s.id(), "ip", "203.0.113.7", "t", WINDOW, "system").incident().id();
    }
    store.alerts().acknowledge(acked.id(), "bob");
    store.alerts().resolve(resolved.id(), "bob");
    clock.advance(Duration.ofMinutes(1));

    assertThat(store.incidents().resolve(id, "alice")).containsExactly(open.id(), acked.id());
    assertThat(store.incidents().resolve(id, "alice")).isEmpty();

    assertThat(store.alerts().get(open.id()).orElseThrow().resolvedBy()).isEqualTo("alice");
    assertThat(store.alerts().get(acked.id()).orElseThrow().resolvedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(store.alerts().get(resolved.id()).orElseThrow().resolvedBy()).isEqualTo("bob");
    assertThat(store.incidents().timeline(id)).filteredOn(e -> e.kind().equals("alerts_resolved"))
        .extracting(IncidentEvent::detail).containsExactly("{\"alert_ids\":[" + open.id() + "," + acked.id() + "]}");
    assertThat(store.incidents().get(id).orElseThrow().status()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(store.incidents().timeline(id)).extracting(IncidentEvent::kind).endsWith("status_changed",
        "alerts_resolved");
    assertThatThrownBy(() -> store.incidents().resolve(999_999, "x")).isInstanceOf(StoreNotFoundException.class);
  }

  @Test
  void aLimitedTimelineIsTheNewestEntriesOldestFirst() {
    long id = store.incidents().create("t", LOW, null, null, "x").id();
    store.incidents().addNote(id, "one", "x");
    store.incidents().addNote(id, "two", "x");

    assertThat(store.incidents().timeline(id, 2)).extracting(IncidentEvent::detail)
        .containsExactly("{\"text\":\"one\"}", "{\"text\":\"two\"}");
    assertThat(store.incidents().timeline(id, 10)).hasSize(3);
  }

  private List<Long> ids(IncidentQuery q) {
    return store.incidents().list(q).stream().map(s -> s.incident().id()).toList();
  }
}
