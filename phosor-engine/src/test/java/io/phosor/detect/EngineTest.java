package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineTest {
  final ManualClock clock = new ManualClock(Instant.parse("2024-11-21T12:00:00Z"));
  final Events ev = new Events();
  final List<Alert> alerts = new ArrayList<>();
  Engine engine;

  Engine load(String yaml) {
    return load(yaml, EngineConfig.DEFAULTS);
  }

  Engine load(String yaml, EngineConfig config) {
    engine = new Engine(config, clock);
    engine.setRules(RuleParser.parse(yaml, "test"));
    return engine;
  }

  void feed(Event... events) {
    for (Event e : events) {
      engine.process(e, alerts::add);
    }
  }

  static final String THRESHOLD = """
      name: Brute force
      type: threshold
      group_by: source.ip
      config: {match: {field: parsed.event_type, equals: auth_fail}, count: 5, window_seconds: 60}
      """;

  Event fail(double t, String ip) {
    return ev.at(t, "parsed.event_type", "auth_fail", "source.ip", ip);
  }

  Event accept(double t, String ip) {
    return ev.at(t, "parsed.event_type", "privileged_access", "source.ip", ip);
  }

  // ---- pattern

  @Test
  void seedPatternFiresOncePerMatchingLineIgnoringCase() {
    load(RuleParserTest.SEED_PATTERN);
    feed(ev.at(0, "raw", "sshd[1]: FAILED PASSWORD for root"), ev.at(1, "raw", "Accepted password"),
        ev.at(2, "raw", "pam: failed password check"));
    assertThat(alerts).hasSize(2);
    Alert a = alerts.get(0);
    assertThat(a.ruleId()).isEqualTo("failed-ssh-login");
    assertThat(a.ruleName()).isEqualTo("Failed SSH Login");
    assertThat(a.count()).isEqualTo(1);
    assertThat(a.eventIds()).containsExactly(1L);
    assertThat(a.firstSeen()).isEqualTo(Events.BASE);
    assertThat(a.summary()).isNotBlank();
  }

  // ---- threshold

  int thresholdAlertsWithFifthAt(double fifth) {
    alerts.clear();
    load(THRESHOLD);
    feed(fail(0, "x"), fail(15, "x"), fail(30, "x"), fail(45, "x"), fail(fifth, "x"));
    return alerts.size();
  }

  @Test
  void thresholdWindowIsHalfOpenSixtySeconds() {
    assertThat(thresholdAlertsWithFifthAt(59)).isEqualTo(1);
    assertThat(thresholdAlertsWithFifthAt(60)).isEqualTo(0);
    assertThat(thresholdAlertsWithFifthAt(61)).isEqualTo(0);
  }

  @Test
  void thresholdResetsAfterFiring() {
    load(THRESHOLD);
    for (int i = 0; i < 10; i++) {
      feed(fail(i, "x"));
    }
    assertThat(alerts).hasSize(2);
    alerts.clear();
    load(THRESHOLD);
    for (int i = 0; i < 9; i++) {
      feed(fail(i, "y"));
    }
    assertThat(alerts).hasSize(1);
  }

  @Test
  void thresholdSlidesRatherThanTumbling() {
    load(THRESHOLD);
    for (double t : new double[] {0, 30, 61, 62, 63, 64}) {
      feed(fail(t, "x"));
    }
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).firstSeen()).isEqualTo(Events.BASE.plusSeconds(30));
    assertThat(alerts.get(0).lastSeen()).isEqualTo(Events.BASE.plusSeconds(64));
    assertThat(alerts.get(0).count()).isEqualTo(5);
    assertThat(alerts.get(0).eventIds()).containsExactly(2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void fiveFailuresInOneSecondFireOnce() {
    load(THRESHOLD);
    for (int i = 0; i < 5; i++) {
      feed(fail(0, "x"));
    }
    assertThat(alerts).hasSize(1);
  }

  @Test
  void failedLoginsFromTwoIpsAreCountedSeparately() {
    load(THRESHOLD);
    for (int i = 0; i < 4; i++) {
      feed(fail(i, "a"), fail(i, "b"));
    }
    assertThat(alerts).isEmpty();
    feed(fail(5, "b"));
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).groupKey()).isEqualTo(Map.of("source.ip", "b"));
    assertThat(alerts.get(0).summary()).contains("source.ip=b").contains("within 60 s");
  }

  @Test
  void eventsWithoutTheGroupByFieldAreNotCounted() {
    load(THRESHOLD);
    for (int i = 0; i < 6; i++) {
      feed(ev.at(i, "parsed.event_type", "auth_fail"));
    }
    assertThat(alerts).isEmpty();
  }

  @Test
  void alertsCarryAtMostTheConfiguredNumberOfLatestEventIds() {
    load("""
        name: Many
        type: threshold
        config: {match: {field: parsed.event_type, equals: auth_fail}, count: 8, window_seconds: 60}
        """, new EngineConfig(Duration.ofSeconds(60), 100, 3));
    for (int i = 0; i < 8; i++) {
      feed(fail(i, "x"));
    }
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.count()).isEqualTo(8);
      assertThat(a.eventIds()).containsExactly(6L, 7L, 8L);
    });
  }

  // ---- correlation

  static final String ORDERED = """
      name: Compromised
      type: correlation
      group_by: source.ip
      config:
        conditions: [{field: event_type, value: auth_fail}, {field: event_type, value: privileged_access}]
        within_seconds: 300
        ordered: true
      """;

  @Test
  void orderedCorrelationWindowIsHalfOpen() {
    load(ORDERED);
    feed(fail(0, "a"), accept(299, "a"), fail(0, "b"), accept(300, "b"));
    assertThat(alerts).extracting(a -> a.groupKey().get("source.ip")).containsExactly("a");
  }

  @Test
  void orderedCorrelationIsAnchoredAtTheLatestFirstStep() {
    load(ORDERED);
    feed(fail(0, "x"), fail(250, "x"), accept(350, "x"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.firstSeen()).isEqualTo(Events.BASE.plusSeconds(250));
      assertThat(a.eventIds()).containsExactly(2L, 3L);
      assertThat(a.count()).isEqualTo(2);
    });
  }

  @Test
  void orderedCorrelationConsumesEarlierStepsAndRearms() {
    load(ORDERED);
    feed(fail(0, "x"), fail(1, "x"), fail(2, "x"), accept(10, "x"), accept(20, "x"));
    assertThat(alerts).hasSize(1);
    feed(fail(30, "x"), accept(35, "x"));
    assertThat(alerts).hasSize(2);
  }

  @Test
  void orderedCorrelationNeedsTheOrderAndTheSameGroup() {
    load(ORDERED);
    feed(accept(0, "x"), fail(1, "x"), fail(2, "y"), accept(3, "z"));
    assertThat(alerts).isEmpty();
    feed(fail(5, "q"), accept(5, "q"));
    assertThat(alerts).hasSize(1);
  }

  @Test
  void orderedCorrelationWithThreeStepsNeedsTheMiddleStepInBetween() {
    load("""
        name: Chain
        type: correlation
        config:
          conditions: [{field: s, value: "1"}, {field: s, value: "2"}, {field: s, value: "3"}]
          within_seconds: 60
          ordered: true
        """);
    feed(ev.at(0, "s", "1"), ev.at(1, "s", "3"));
    assertThat(alerts).isEmpty();
    feed(ev.at(2, "s", "1"), ev.at(3, "s", "2"), ev.at(4, "s", "3"));
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.eventIds()).containsExactly(3L, 4L, 5L));
    feed(ev.at(10, "s", "1"), ev.at(20, "s", "2"), ev.at(70, "s", "3"));
    assertThat(alerts).hasSize(1);
  }

  @Test
  void unorderedCorrelationFiresInAnyOrderWithinTheWindowAndClears() {
    load(RuleParserTest.SEED_CORRELATION);
    feed(accept(0, "x"), fail(299, "y"));
    assertThat(alerts).hasSize(1);
    feed(fail(300, "x"));
    assertThat(alerts).hasSize(1); // cleared after firing
    feed(accept(1000, "x"), fail(1300, "x"));
    assertThat(alerts).hasSize(1); // 300 s apart: too far
  }

  // ---- value_count

  @Test
  void valueCountFiresOnTheTenthDistinctUserWithinTheWindow() {
    load("""
        name: Spray
        type: value_count
        group_by: source.ip
        config: {field: user.name, distinct: 3, window_seconds: 60}
        """);
    feed(ev.at(0, "user.name", "a", "source.ip", "x"), ev.at(10, "user.name", "a", "source.ip", "x"),
        ev.at(20, "user.name", "b", "source.ip", "x"), ev.at(30, "user.name", "c", "source.ip", "y"));
    assertThat(alerts).isEmpty();
    feed(ev.at(60, "user.name", "c", "source.ip", "x")); // "a"@10 still within (50 s)
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.count()).isEqualTo(3);
      assertThat(a.groupKey()).containsEntry("source.ip", "x");
      assertThat(a.eventIds()).containsExactly(2L, 3L, 5L);
    });
    feed(ev.at(61, "user.name", "d", "source.ip", "x"), ev.at(62, "user.name", "e", "source.ip", "x"));
    assertThat(alerts).hasSize(1); // emptied after firing
  }

  @Test
  void valueCountForgetsValuesOlderThanTheWindow() {
    load("""
        name: Spray
        type: value_count
        config: {field: user.name, distinct: 3, window_seconds: 60}
        """);
    feed(ev.at(0, "user.name", "a"), ev.at(30, "user.name", "b"), ev.at(60, "user.name", "c"));
    assertThat(alerts).isEmpty();
  }

  // ---- absence

  static final String ABSENCE = """
      name: No logout
      type: absence
      group_by: user.name
      config:
        match: {field: event.action, equals: login}
        expected: {field: event.action, equals: logout}
        within_seconds: 300
      """;

  @Test
  void absenceFiresWhenTheWatermarkPassesTheDeadline() {
    load(ABSENCE, new EngineConfig(Duration.ofSeconds(10), 1000, 50));
    feed(ev.at(0, "event.action", "login", "user.name", "alice"),
        ev.at(0, "event.action", "login", "user.name", "bob"),
        ev.at(100, "event.action", "logout", "user.name", "bob"));
    feed(ev.at(309, "event.action", "noise"));
    assertThat(alerts).isEmpty(); // watermark 299
    feed(ev.at(310, "event.action", "noise"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.groupKey()).isEqualTo(Map.of("user.name", "alice"));
      assertThat(a.firstSeen()).isEqualTo(Events.BASE);
      assertThat(a.lastSeen()).isEqualTo(Events.BASE.plusSeconds(300));
      assertThat(a.eventIds()).containsExactly(1L);
    });
  }

  /** Differential seeds mixed 103910706732077 and absence -1191480249429464 (the minimal stream of the first). */
  @Test
  void aLateTriggerReArmingADisarmedTimerFiresAtItsOwnEarlierDeadline() {
    load(ABSENCE, new EngineConfig(Duration.ofSeconds(56), 1000, 50));
    feed(ev.at(14, "event.action", "login", "user.name", "a"), // deadline 314
        ev.at(49, "event.action", "logout", "user.name", "a"), // disarms it
        ev.at(0, "event.action", "login", "user.name", "a")); // late but tolerated: re-arms, deadline 300
    feed(ev.at(360, "event.action", "noise")); // watermark 304: past 300, not yet 314
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.lastSeen()).isEqualTo(Events.BASE.plusSeconds(300)));
  }

  @Test
  void absenceExpectedEventAtTheDeadlineIsTooLate() {
    load(ABSENCE);
    feed(ev.at(0, "event.action", "login", "user.name", "a"), ev.at(300, "event.action", "logout", "user.name", "a"));
    engine.finish(alerts::add);
    assertThat(alerts).hasSize(1);
  }

  @Test
  void absenceRearmingMovesTheDeadlineToTheLatestTrigger() {
    load(ABSENCE);
    feed(ev.at(0, "event.action", "login", "user.name", "a"), ev.at(200, "event.action", "login", "user.name", "a"),
        ev.at(450, "event.action", "logout", "user.name", "a"));
    engine.finish(alerts::add);
    assertThat(alerts).isEmpty();
  }

  @Test
  void finishFiresTimersWhoseDeadlineTheLastEventTimePassed() {
    load(ABSENCE);
    feed(ev.at(0, "event.action", "login", "user.name", "a"), ev.at(100, "event.action", "login", "user.name", "b"),
        ev.at(300, "event.action", "noise"));
    assertThat(alerts).isEmpty(); // watermark is 240
    engine.finish(alerts::add);
    assertThat(alerts).extracting(a -> a.groupKey().get("user.name")).containsExactly("a");
  }

  @Test
  void advanceFiresAbsenceOnTheWatermarkWithoutNewEvents() {
    load(ABSENCE, new EngineConfig(Duration.ZERO, 1000, 50));
    feed(ev.at(0, "event.action", "login", "user.name", "a"), ev.at(300, "event.action", "noise"));
    assertThat(alerts).hasSize(1); // the event itself moved the watermark to the deadline
    alerts.clear();
    engine.advance(alerts::add);
    assertThat(alerts).isEmpty();
  }

  @Test
  void ingestTimeAbsenceFiresOnTheClockViaAdvance() {
    load(ABSENCE.replace("type: absence", "type: absence\ntime: ingest"));
    Instant now = clock.instant();
    feed(ev.ingested(now, Events.BASE, "event.action", "login", "user.name", "a"));
    clock.advance(Duration.ofSeconds(299));
    engine.advance(alerts::add);
    assertThat(alerts).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    engine.advance(alerts::add);
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.lastSeen()).isEqualTo(now.plusSeconds(300)));
  }

  // ---- new_value

  static final String NEW_ORIGIN = """
      name: New origin
      type: new_value
      group_by: user
      config: {field: origin, learning_seconds: 3600}
      """;

  @Test
  void newValueLearnsFirstThenFiresOncePerNewValue() {
    load(NEW_ORIGIN);
    feed(ev.at(0, "user", "alice", "origin", "US"), ev.at(3599, "user", "alice", "origin", "CA"));
    assertThat(alerts).isEmpty();
    feed(ev.at(3600, "user", "alice", "origin", "US"), ev.at(3601, "user", "alice", "origin", "FR"),
        ev.at(3602, "user", "alice", "origin", "FR"), ev.at(3603, "user", "bob", "origin", "FR"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.groupKey()).isEqualTo(Map.of("user", "alice"));
      assertThat(a.summary()).contains("\"FR\"");
    });
  }

  @Test
  void newValueBaselineSurvivesARestartThroughExportAndImport() {
    load(NEW_ORIGIN);
    feed(ev.at(0, "user", "alice", "origin", "US"), ev.at(10, "user", "bob", "origin", "DE"));
    Map<String, Object> exported = engine.exportBaselines();
    assertThat(exported).containsKey("new-origin");

    Engine restarted = new Engine(EngineConfig.DEFAULTS, clock);
    restarted.setRules(RuleParser.parse(NEW_ORIGIN, "test"));
    restarted.importBaselines(exported);
    assertThat(restarted.exportBaselines()).isEqualTo(exported);
    engine = restarted;
    feed(ev.at(4000, "user", "alice", "origin", "US"), ev.at(4001, "user", "alice", "origin", "BR"),
        ev.at(4002, "user", "carol", "origin", "BR"));
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.groupKey()).containsEntry("user", "alice"));
  }

  @Test
  void exportedBaselinesAreJsonReady() throws Exception {
    load(NEW_ORIGIN);
    feed(ev.at(0, "user", "alice", "origin", "US"));
    String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(engine.exportBaselines());
    assertThat(json).isEqualTo("{\"new-origin\":{\"group_by\":[\"user\"],\"groups\":[{\"key\":{\"user\":\"alice\"},"
        + "\"first_seen\":\"2024-11-21T10:00:00Z\",\"values\":[\"US\"]}]}}");
    @SuppressWarnings("unchecked")
    Map<String, Object> back = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
    Engine other = new Engine(EngineConfig.DEFAULTS, clock);
    other.setRules(RuleParser.parse(NEW_ORIGIN, "test"));
    other.importBaselines(back);
    assertThat(other.exportBaselines()).isEqualTo(engine.exportBaselines());
  }

  // ---- time_of_day

  @Test
  void timeOfDayWrapsMidnightInTheRulesZone() {
    load("""
        name: Unusual login time
        type: time_of_day
        config: {start: "22:00", end: "06:00", timezone: Europe/Berlin}
        """);
    // 2024-11-21 is CET (UTC+1): local = UTC + 1 h; BASE is 10:00 UTC
    feed(ev.at(11 * 3600 - 1, "x", "1"), // 20:59:59 UTC = 21:59:59 local: no
        ev.at(11 * 3600, "x", "2"), // 22:00 local: yes
        ev.at(15 * 3600, "x", "3"), // 02:00 local next day: yes
        ev.at(19 * 3600 - 1, "x", "4"), // 05:59:59 local: yes
        ev.at(19 * 3600, "x", "5")); // 06:00 local: no
    assertThat(alerts).extracting(a -> a.eventIds().get(0)).containsExactly(2L, 3L, 4L);
  }

  @Test
  void timeOfDayHonoursWeekdaysAndDaylightSavingTime() {
    load("""
        name: Weekend night
        type: time_of_day
        config: {start: "01:00", end: "04:00", days: [sun], timezone: Europe/Berlin}
        """);
    engine.process(at("2024-03-31T00:30:00Z"), alerts::add); // Sunday 01:30 CET: yes
    engine.process(at("2024-03-31T01:30:00Z"), alerts::add); // Sunday 03:30 CEST (after the spring jump): yes
    engine.process(at("2024-03-31T02:00:00Z"), alerts::add); // Sunday 04:00 CEST: no
    engine.process(at("2024-03-30T01:30:00Z"), alerts::add); // Saturday 02:30: no
    engine.process(at("2024-10-27T00:30:00Z"), alerts::add); // Sunday 02:30 CEST (before fall back): yes
    engine.process(at("2024-10-27T01:30:00Z"), alerts::add); // Sunday 02:30 CET (after fall back): yes
    engine.process(at("2024-10-27T02:30:00Z"), alerts::add); // Sunday 03:30 CET: yes
    engine.process(at("2024-10-27T03:00:00Z"), alerts::add); // Sunday 04:00 CET: no
    assertThat(alerts).extracting(a -> a.firstSeen().toString()).containsExactly("2024-03-31T00:30:00Z",
        "2024-03-31T01:30:00Z", "2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z", "2024-10-27T02:30:00Z");
  }

  Event at(String iso) {
    Instant t = Instant.parse(iso);
    Event e = new Event("test", null, t, "x");
    e.timestamp(t);
    return e;
  }

  // ---- suppression, late events, ingest time, state cap, setRules

  @Test
  void suppressionDropsRepeatAlertsPerGroupKeyAndCountsThem() {
    load(RuleParserTest.SEED_PATTERN.replace("\"type\"", "\"suppress_seconds\": 60, \"group_by\": \"host.name\", \"type\""));
    feed(ev.at(0, "raw", "Failed password", "host.name", "a"), ev.at(30, "raw", "Failed password", "host.name", "a"),
        ev.at(31, "raw", "Failed password", "host.name", "b"), ev.at(60, "raw", "Failed password", "host.name", "a"));
    assertThat(alerts).extracting(a -> a.eventIds().get(0)).containsExactly(1L, 3L, 4L);
    assertThat(engine.stats().suppressed()).isEqualTo(1);
    assertThat(engine.stats().alerts()).isEqualTo(3);
    assertThat(engine.stats().alertsPerRule()).isEqualTo(Map.of("failed-ssh-login", 3L));
  }

  @Test
  void lateEventsAreCountedMatchedByStatelessRulesAndKeptOutOfWindows() {
    engine = new Engine(new EngineConfig(Duration.ofSeconds(60), 1000, 50), clock);
    List<Rule> rules = new ArrayList<>(RuleParser.parse(THRESHOLD, "t"));
    rules.addAll(RuleParser.parse("name: Fails\ntype: pattern\nconfig: {match: {field: event_type, equals: auth_fail}}", "t"));
    engine.setRules(rules);
    feed(fail(1000, "x"), fail(1001, "x"), fail(1002, "x"), fail(1003, "x"));
    feed(fail(939, "x")); // 61 s behind the newest: late
    assertThat(engine.stats().lateEvents()).isEqualTo(1);
    assertThat(alerts).extracting(Alert::ruleId).containsOnly("fails").hasSize(5);
    feed(fail(950, "x")); // within tolerance (watermark 943): counts, 1003 - 950 < 60
    assertThat(alerts).filteredOn(a -> a.ruleId().equals("brute-force")).singleElement()
        .satisfies(a -> assertThat(a.firstSeen()).isEqualTo(Events.BASE.plusSeconds(950)));
  }

  @Test
  void toleratedOutOfOrderEventsCountInTheWindow() {
    load(THRESHOLD);
    feed(fail(100, "x"), fail(101, "x"), fail(102, "x"), fail(103, "x"));
    feed(fail(50, "x")); // within tolerance but 53 s before the newest: in the window (103-60, 103]
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.firstSeen()).isEqualTo(Events.BASE.plusSeconds(50));
      assertThat(a.lastSeen()).isEqualTo(Events.BASE.plusSeconds(103));
    });
  }

  @Test
  void ingestTimeThresholdUsesIngestTimesNotEventTimes() {
    load(THRESHOLD.replace("type: threshold", "type: threshold\ntime: ingest"));
    Instant t0 = clock.instant();
    for (int i = 0; i < 5; i++) {
      // event times a day apart, ingested one second apart
      engine.process(ev.ingested(t0.plusSeconds(i), Events.BASE.plus(Duration.ofDays(i)), "event_type", "auth_fail",
          "source.ip", "x"), alerts::add);
    }
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.firstSeen()).isEqualTo(t0));
    assertThat(engine.stats().lateEvents()).isZero();
  }

  @Test
  void groupCapEvictsTheLeastRecentlyUsedKeyAndCountsIt() {
    load(THRESHOLD, new EngineConfig(Duration.ofSeconds(60), 2, 50));
    feed(fail(0, "a"), fail(0, "a"), fail(0, "a"), fail(0, "a"));
    feed(fail(1, "b"), fail(2, "a"), fail(3, "c")); // c evicts b (a was used more recently)
    assertThat(engine.stats().evictions()).isEqualTo(1);
    assertThat(engine.stats().activeGroups()).isEqualTo(2);
    feed(fail(4, "a"));
    assertThat(alerts).hasSize(1); // a kept its four earlier failures
  }

  @Test
  void advanceExpiresIdleGroups() {
    load(THRESHOLD, new EngineConfig(Duration.ZERO, 1000, 50));
    feed(fail(0, "a"), fail(10, "b"));
    engine.advance(alerts::add);
    assertThat(engine.stats().activeGroups()).isEqualTo(2);
    feed(ev.at(60, "noise", "1"));
    engine.advance(alerts::add);
    assertThat(engine.stats().activeGroups()).isEqualTo(1);
    feed(ev.at(70, "noise", "1"));
    engine.advance(alerts::add);
    assertThat(engine.stats().activeGroups()).isZero();
  }

  @Test
  void setRulesKeepsStateOfUnchangedRulesAndResetsChangedOnes() {
    load(THRESHOLD);
    feed(fail(0, "x"), fail(1, "x"), fail(2, "x"), fail(3, "x"));
    List<Rule> rules = new ArrayList<>(RuleParser.parse(THRESHOLD, "t"));
    rules.add(RuleParser.parse(RuleParserTest.SEED_PATTERN, "t").get(0));
    engine.setRules(rules);
    feed(fail(4, "x"));
    assertThat(alerts).hasSize(1);

    feed(fail(10, "x"), fail(11, "x"), fail(12, "x"), fail(13, "x"));
    engine.setRules(RuleParser.parse(THRESHOLD.replace("count: 5", "count: 6"), "t"));
    feed(fail(14, "x"), fail(15, "x"));
    assertThat(alerts).hasSize(1); // the changed rule started over
  }

  @Test
  void aBadRuleLeavesTheOldSetRunning() {
    load(THRESHOLD);
    Rule bad = new Rule("bad", "Bad", "", io.phosor.event.Severity.LOW, true, List.of(),
        new Condition.Field("raw", Condition.Op.REGEX, List.of("(unclosed"), false), List.of(), Duration.ZERO,
        Rule.TimeBasis.EVENT, new Rule.Pattern());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.setRules(List.of(bad)))
        .isInstanceOf(RuleException.class).hasMessageStartingWith("rule \"Bad\": regex on raw is not a valid RE2 regex");
    assertThat(engine.rules()).extracting(Rule::id).containsExactly("brute-force");
  }

  @Test
  void duplicateIdsAreRejected() {
    engine = new Engine(EngineConfig.DEFAULTS, clock);
    List<Rule> rules = RuleParser.parse(THRESHOLD + "---\n" + THRESHOLD, "t");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.setRules(rules))
        .isInstanceOf(RuleException.class).hasMessageContaining("duplicate rule id \"brute-force\"");
  }

  @Test
  void disabledRulesAreListedButDoNotRun() {
    load(RuleParserTest.SEED_PATTERN.replace("\"type\"", "\"enabled\": false, \"type\""));
    feed(ev.at(0, "raw", "Failed password"));
    assertThat(alerts).isEmpty();
    assertThat(engine.rules()).hasSize(1);
    assertThat(engine.stats().events()).isEqualTo(1);
  }
}
