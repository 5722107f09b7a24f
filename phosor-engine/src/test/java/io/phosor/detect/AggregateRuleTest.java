package io.phosor.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sigma-style correlations in the engine: chains, silent referenced rules, cycles, late events, bounds. */
class AggregateRuleTest {
  private final Events ev = new Events();
  private final Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.fixed(Events.BASE, ZoneOffset.UTC));
  private final List<Alert> alerts = new ArrayList<>();

  private static Condition eq(String f, String v) {
    return new Condition.Field(f, Condition.Op.EQUALS, List.of(v), false);
  }

  private static Rule agg(String id, boolean enabled, Rule.Kind kind, List<Rule.Input> in, long seconds, Rule.Bounds b,
      String... groupBy) {
    return new Rule(id, id, "", Severity.HIGH, enabled, List.of(), Condition.TRUE, List.of(groupBy), Duration.ZERO,
        Rule.TimeBasis.EVENT, new Rule.Aggregate(kind, in, Duration.ofSeconds(seconds), b));
  }

  private static Rule.Bounds gte(double v) {
    return new Rule.Bounds(null, v, null, null, null, null);
  }

  private void feed(double t, Object... kv) {
    engine.process(ev.at(t, kv), alerts::add);
  }

  @Test
  void aDisabledInnerCorrelationRunsSilentlyForItsConsumer() {
    Rule inner = agg("inner", false, Rule.Kind.EVENT_COUNT,
        List.of(new Rule.Input("fail", eq("event.outcome", "failure"), null, List.of("user.name"), null)), 60, gte(2),
        "user.name");
    Rule outer = agg("outer", true, Rule.Kind.TEMPORAL_ORDERED, List.of(
        new Rule.Input("inner", null, "inner", List.of("user.name"), null),
        new Rule.Input("ok", eq("event.outcome", "success"), null, List.of("user.name"), null)), 300, null, "user.name");
    engine.setRules(List.of(inner, outer));
    feed(0, "event.outcome", "failure", "user.name", "bob");
    feed(1, "event.outcome", "failure", "user.name", "bob");
    feed(2, "event.outcome", "success", "user.name", "bob");
    assertThat(alerts).extracting(Alert::ruleId).containsExactly("outer");
    assertThat(alerts.get(0).eventIds()).containsExactly(1L, 2L, 3L);
    assertThat(engine.stats().alertsPerRule()).doesNotContainKey("inner");
  }

  @Test
  void referenceCyclesAreRejectedAndMissingReferencesFeedNothing() {
    Rule a = agg("a", true, Rule.Kind.EVENT_COUNT, List.of(new Rule.Input("b", null, "b", List.of(), null)), 60, gte(1));
    Rule b = agg("b", true, Rule.Kind.EVENT_COUNT, List.of(new Rule.Input("a", null, "a", List.of(), null)), 60, gte(1));
    assertThatThrownBy(() -> engine.setRules(List.of(a, b))).isInstanceOf(RuleException.class).hasMessageContaining("cycle");
    Rule lone = agg("lone", true, Rule.Kind.EVENT_COUNT, List.of(new Rule.Input("gone", null, "gone", List.of(), null)),
        60, gte(1));
    engine.setRules(List.of(lone));
    feed(0, "message", "x");
    assertThat(alerts).isEmpty();
  }

  @Test
  void eagerCountsIgnoreLateEventsAndKeepStateAcrossAnUnchangedReload() {
    Rule r = agg("r", true, Rule.Kind.EVENT_COUNT,
        List.of(new Rule.Input("x", eq("message", "x"), null, List.of(), null)), 600, gte(3));
    engine.setRules(List.of(r));
    feed(1000, "message", "x");
    feed(1001, "message", "x");
    feed(10, "message", "x"); // far behind the watermark: late, ignored
    assertThat(alerts).isEmpty();
    engine.setRules(List.of(r, agg("other", true, Rule.Kind.EVENT_COUNT,
        List.of(new Rule.Input("y", eq("message", "y"), null, List.of(), null)), 60, gte(1))));
    feed(1002, "message", "x");
    assertThat(alerts).extracting(Alert::ruleId).containsExactly("r");
    assertThat(alerts.get(0).count()).isEqualTo(3);
  }

  @Test
  void windowedNeqDecidesAtTheEndAndCountsEveryWindow() {
    Rule r = agg("r", true, Rule.Kind.EVENT_COUNT,
        List.of(new Rule.Input("x", eq("message", "x"), null, List.of("host.name"), null)), 60,
        new Rule.Bounds(null, null, null, null, null, 2.0), "host.name");
    engine.setRules(List.of(r));
    feed(0, "message", "x", "host.name", "a");
    feed(1, "message", "x", "host.name", "a");
    feed(0, "message", "x", "host.name", "b");
    feed(100, "message", "x", "host.name", "a"); // closes a's first window (2 events: eq 2, no alert)
    assertThat(alerts).isEmpty();
    engine.finish(alerts::add); // b's window is over by the last event time; a's second one is not
    assertThat(alerts).extracting(a -> a.groupKey().get("host.name")).containsExactly("b");
    feed(300, "message", "y"); // the watermark (300 - 60 s tolerance) passes the end of a's window (160)
    assertThat(alerts).extracting(a -> a.groupKey().get("host.name")).containsExactly("b", "a");
  }

  @Test
  void aGroupKeepsBoundedEntries() {
    Rule r = agg("sum", true, Rule.Kind.VALUE_SUM,
        List.of(new Rule.Input("x", eq("message", "x"), null, List.of(), "n")), 100_000, gte(1e12));
    engine.setRules(List.of(r));
    for (int i = 0; i < AggregateDetector.MAX_ENTRIES + 10; i++) {
      feed(i, "message", "x", "n", 1);
    }
    assertThat(engine.stats().evictions()).isEqualTo(10);
  }
}
