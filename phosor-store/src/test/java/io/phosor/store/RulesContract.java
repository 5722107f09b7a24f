package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rules: stored as submitted, versioned, toggled, deleted, with a history that outlives them. */
abstract class RulesContract extends StoreContract {
  static final String YAML = "name: Brute force\ntype: threshold\n";
  static final String JSON = "{\"name\": \"Brute force\", \"type\": \"threshold\"}";

  @Test
  void aCreatedRuleReadsBackAsSubmitted() {
    StoredRule created = store.rules().create("brute-force", YAML, "yaml", true, "alice");

    assertThat(created).isEqualTo(new StoredRule("brute-force", YAML, "yaml", true, 1, T0, T0, "alice"));
    assertThat(store.rules().get("brute-force")).contains(created);
    assertThat(store.rules().get("nope")).isEmpty();
    assertThat(store.rules().create("a", JSON, "JSON", false, "bob").format()).isEqualTo("json");
    assertThat(store.rules().create("b", YAML, "yml", false, "bob").format()).isEqualTo("yaml");
    assertThat(store.rules().list()).extracting(StoredRule::id).containsExactly("a", "b", "brute-force");
  }

  @Test
  void creatingAnExistingRuleIsAConflict() {
    store.rules().create("r", YAML, "yaml", true, "alice");
    assertThatThrownBy(() -> store.rules().create("r", JSON, "json", true, "bob"))
        .isInstanceOf(StoreConflictException.class)
        .hasMessage("rule r already exists; update it, or delete it first");
    assertThat(store.rules().get("r").orElseThrow().text()).isEqualTo(YAML);
  }

  @Test
  void updatingAndTogglingAddOneToTheVersionAndRecordWhoAndWhen() {
    store.rules().create("r", YAML, "yaml", true, "alice");
    clock.advance(Duration.ofMinutes(1));
    StoredRule updated = store.rules().update("r", JSON, "json", "bob");
    clock.advance(Duration.ofMinutes(1));
    StoredRule toggled = store.rules().toggle("r", "carol");

    assertThat(updated).isEqualTo(new StoredRule("r", JSON, "json", true, 2, T0, T0.plusSeconds(60), "bob"));
    assertThat(toggled).isEqualTo(new StoredRule("r", JSON, "json", false, 3, T0, T0.plusSeconds(120), "carol"));
    assertThat(store.rules().toggle("r", "carol").enabled()).isTrue();
    assertThat(store.rules().get("r").orElseThrow().version()).isEqualTo(4);
  }

  @Test
  void historyKeepsEveryVersionAndSurvivesDeletion() {
    store.rules().create("r", YAML, "yaml", true, "alice");
    store.rules().update("r", JSON, "json", "bob");
    store.rules().toggle("r", "carol");
    clock.advance(Duration.ofHours(1));
    store.rules().delete("r", "dave");

    assertThat(store.rules().get("r")).isEmpty();
    assertThat(store.rules().list()).isEmpty();
    Instant deleted = T0.plus(Duration.ofHours(1));
    assertThat(store.rules().history("r"))
        .extracting(RuleChange::version, RuleChange::kind, RuleChange::text, RuleChange::enabled, RuleChange::by,
            RuleChange::at)
        .containsExactly(
            tuple(1, RuleChange.Kind.CREATED, YAML, true, "alice", T0),
            tuple(2, RuleChange.Kind.UPDATED, JSON, true, "bob", T0),
            tuple(3, RuleChange.Kind.TOGGLED, JSON, false, "carol", T0),
            tuple(4, RuleChange.Kind.DELETED, JSON, false, "dave", deleted));
  }

  @Test
  void aRuleCreatedAgainAfterDeletionContinuesItsVersions() {
    store.rules().create("r", YAML, "yaml", true, "alice");
    store.rules().delete("r", "bob");

    StoredRule again = store.rules().create("r", JSON, "json", false, "carol");

    assertThat(again.version()).isEqualTo(3);
    assertThat(store.rules().history("r")).extracting(RuleChange::kind).containsExactly(RuleChange.Kind.CREATED,
        RuleChange.Kind.DELETED, RuleChange.Kind.CREATED);
  }

  @Test
  void changingAnUnknownRuleIsNotFound() {
    assertThatThrownBy(() -> store.rules().update("nope", YAML, "yaml", "a"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("rule nope does not exist");
    assertThatThrownBy(() -> store.rules().toggle("nope", "a")).isInstanceOf(StoreNotFoundException.class);
    assertThatThrownBy(() -> store.rules().delete("nope", "a")).isInstanceOf(StoreNotFoundException.class);
    assertThat(store.rules().history("nope")).isEmpty();
  }

  @Test
  void badRuleInputIsRejectedWithTheReason() {
    assertThatThrownBy(() -> store.rules().create("r", YAML, "toml", true, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rule format must be \"json\", \"yaml\" or \"sigma\", was \"toml\"");
    assertThatThrownBy(() -> store.rules().create("r", "x".repeat((1 << 20) + 1), "yaml", true, "a"))
        .hasMessage("rule r text is 1048577 characters long, more than the 1048576 allowed");
    assertThatThrownBy(() -> store.rules().create("r", "é".repeat(600_000), "yaml", true, "a"))
        .hasMessage("rule r text is 1200000 bytes long, more than the 1048576 allowed");
    assertThatThrownBy(() -> store.rules().create("r", " ", "yaml", true, "a")).hasMessage("rule r text must not be empty");
    assertThatThrownBy(() -> store.rules().create("", YAML, "yaml", true, "a")).hasMessage("rule id must not be empty");
    assertThatThrownBy(() -> store.rules().create("a\nb", YAML, "yaml", true, "a"))
        .hasMessage("rule id must not contain control characters");
    assertThatThrownBy(() -> store.rules().create("r", YAML, "yaml", true, null)).hasMessage("who must not be empty");
    assertThat(store.rules().list()).isEmpty();
  }

  @Test
  void anImportIsOneTransactionThatCreatesUpdatesTogglesAndLeavesAlone() {
    store.rules().create("same", "title: same\n", "sigma", true, "a");
    store.rules().create("changed", "title: old\n", "sigma", true, "a");
    store.rules().create("flag", "title: flag\n", "sigma", true, "a");
    var changed = store.rules().putAll(java.util.List.of(
        new Rules.Put("same", "title: same\n", "sigma", true),
        new Rules.Put("changed", "title: new\n", "sigma", true),
        new Rules.Put("flag", "title: flag\n", "sigma", false),
        new Rules.Put("fresh", "title: fresh\n", "sigma", false)), "importer");
    assertThat(changed).extracting(StoredRule::id).containsExactly("changed", "flag", "fresh");
    assertThat(store.rules().get("same").orElseThrow().version()).isEqualTo(1);
    assertThat(store.rules().get("changed").orElseThrow().text()).isEqualTo("title: new\n");
    assertThat(store.rules().get("flag").orElseThrow().enabled()).isFalse();
    assertThat(store.rules().get("fresh").orElseThrow().format()).isEqualTo("sigma");
    assertThat(store.rules().history("flag")).extracting(c -> c.kind().label()).containsExactly("created", "toggled");
    // a bad entry anywhere refuses the whole import
    assertThatThrownBy(() -> store.rules().putAll(java.util.List.of(new Rules.Put("x", "title: x\n", "sigma", true),
        new Rules.Put("", "title: y\n", "sigma", true)), "importer")).hasMessage("rule id must not be empty");
    assertThat(store.rules().get("x")).isEmpty();
  }
}
