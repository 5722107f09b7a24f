package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.detect.Alert;
import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.detect.RuleParser;
import io.phosor.event.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings (named text values) and the engine's new-value baselines. */
abstract class SettingsAndBaselinesContract extends StoreContract {
  static final String NEW_ORIGIN = """
      name: New origin
      type: new_value
      group_by: user
      config: {field: origin, learning_seconds: 3600}
      """;

  @Test
  void settingsAreSetReplacedListedAndRemoved() {
    store.settings().put("respond.dry_run", "true");
    store.settings().put("intel.ttl", "3600");
    store.settings().put("respond.dry_run", "false");

    assertThat(store.settings().get("respond.dry_run")).contains("false");
    assertThat(store.settings().get("nope")).isEmpty();
    assertThat(store.settings().all()).containsExactly(Map.entry("intel.ttl", "3600"), Map.entry("respond.dry_run", "false"));
    assertThat(store.settings().remove("intel.ttl")).isTrue();
    assertThat(store.settings().remove("intel.ttl")).isFalse();
    assertThat(store.settings().all()).containsOnlyKeys("respond.dry_run");
    assertThatThrownBy(() -> store.settings().put("k", null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putAllSavesEverySettingOrNoneOfThem() {
    store.settings().put("secret.a", "old-a");
    store.settings().putAll(Map.of("secret.a", "new-a", "secret.b", "new-b"));
    assertThat(store.settings().all()).containsExactly(Map.entry("secret.a", "new-a"), Map.entry("secret.b", "new-b"));

    Map<String, String> tooLong = new java.util.TreeMap<>();
    tooLong.put("secret.a", "newer-a");
    tooLong.put("secret.b", "x".repeat(Check.MAX_JSON + 1));
    assertThatThrownBy(() -> store.settings().putAll(tooLong)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.settings().get("secret.a")).contains("new-a");
  }

  Event event(Instant t, String user, String origin) {
    Event e = new Event("test", null, t, "");
    e.timestamp(t);
    e.put("user", user);
    e.put("origin", origin);
    return e;
  }

  Engine engine() {
    Engine engine = new Engine(EngineConfig.DEFAULTS, clock);
    engine.setRules(RuleParser.parse(NEW_ORIGIN, "test"));
    return engine;
  }

  @Test
  void theEnginesBaselinesSurviveARoundTripThroughTheStore() {
    Engine before = engine();
    List<Alert> alerts = new ArrayList<>();
    before.process(event(T0, "alice", "US"), alerts::add);
    before.process(event(T0.plusSeconds(10), "bob", "DE"), alerts::add);
    before.process(event(T0.plusSeconds(20), "alice", "FR"), alerts::add);
    Map<String, Object> exported = before.exportBaselines();
    assertThat(exported).containsKey("new-origin");

    store.baselines().put(exported);
    Map<String, Object> loaded = reopen().baselines().load();

    assertThat(loaded).isEqualTo(exported);
    Engine after = engine();
    after.importBaselines(loaded);
    assertThat(after.exportBaselines()).isEqualTo(exported);
  }

  @Test
  void puttingBaselinesReplacesThoseRulesAndKeepsTheOthers() {
    store.baselines().put(Map.of("a", Map.of("groups", List.of(1)), "b", Map.of("groups", List.of(2))));
    store.baselines().put(Map.of("a", Map.of("groups", List.of(3))));

    assertThat(store.baselines().load()).isEqualTo(Map.of("a", Map.of("groups", List.of(3)), "b",
        Map.of("groups", List.of(2))));
    assertThat(store.baselines().remove("b")).isTrue();
    assertThat(store.baselines().remove("b")).isFalse();
    assertThat(store.baselines().load()).containsOnlyKeys("a");
  }
}
