package io.phosor.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.event.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Playbooks: validation with messages naming the playbook and the problem, the directory, the defaults. */
class PlaybooksTest {
  private static final String GOOD = """
      id: ssh-brute-force
      name: SSH brute force
      description: block and page
      enabled: true
      dry_run: false
      trigger:
        severity: medium
        rules: [ssh-brute-force]
        tags: [attack.credential_access]
        entity_types: [ip]
      actions:
        - type: block_ip
          duration_seconds: 3600
        - type: alert
          channels: [slack, pagerduty]
        - type: log
          message: brute force
        - type: disable_account
      """;

  @TempDir
  Path dir;

  @Test
  void aValidPlaybookIsReadWithEveryField() {
    Playbook p = PlaybookParser.parse(GOOD);

    assertThat(p.id()).isEqualTo("ssh-brute-force");
    assertThat(p.name()).isEqualTo("SSH brute force");
    assertThat(p.enabled()).isTrue();
    assertThat(p.trigger()).isEqualTo(new Playbook.Trigger(Severity.MEDIUM, List.of("ssh-brute-force"),
        List.of("attack.credential_access"), List.of("ip")));
    assertThat(p.actions()).containsExactly(new Playbook.Action("block_ip", 3600L, List.of(), null),
        new Playbook.Action("alert", null, List.of("slack", "pagerduty"), null),
        new Playbook.Action("log", null, List.of(), "brute force"),
        new Playbook.Action("disable_account", null, List.of(), null));
    assertThat(PlaybookParser.parse(Playbooks.toYaml(p))).as("its YAML reads back the same").isEqualTo(p);
  }

  @Test
  void everyProblemIsReportedNamingThePlaybook() {
    String bad = """
        id: p1
        name: x
        colour: red
        trigger: {severity: severe, entity_types: [planet]}
        actions:
          - {type: block_ip, duration_seconds: 5}
          - {type: alert, channels: [slack, carrier-pigeon]}
          - {type: reboot}
          - {type: log, mesage: typo}
        """;
    assertThatThrownBy(() -> PlaybookParser.parse(bad)).isInstanceOfSatisfying(PlaybookException.class, e ->
        assertThat(e.problems()).containsExactlyInAnyOrder(
            "playbook 'p1': unknown field 'colour' (known: actions, description, dry_run, enabled, id, name, trigger)",
            "playbook 'p1': trigger.severity must be informational, low, medium, high or critical, was 'severe'",
            "playbook 'p1': trigger.entity_types: 'planet' is not one of ip, user, host",
            "playbook 'p1': actions[0] (block_ip): duration_seconds must be a whole number of seconds from 60 to "
                + "31536000 (365 days), was '5'",
            "playbook 'p1': actions[1] (alert): unknown channel 'carrier-pigeon' (known: pagerduty, slack, teams, "
                + "email, webhook)",
            "playbook 'p1': actions[2]: unknown action type 'reboot' (known: alert, block_ip, disable_account, log)",
            "playbook 'p1': actions[3] (log): unknown field 'mesage' (known: message, type)"));
  }

  @Test
  void missingPartsAndBadValuesAreNamed() {
    assertThatThrownBy(() -> PlaybookParser.parse("name: x\n")).isInstanceOfSatisfying(PlaybookException.class, e ->
        assertThat(e.problems()).containsExactly("playbook '?': id is required (a string)",
            "playbook '?': trigger is required: a mapping with severity (and optional rules, tags, entity_types)",
            "playbook '?': actions is required: a list of at least one action ({type: block_ip|disable_account|alert|"
                + "log, ...})"));
    assertThatThrownBy(() -> PlaybookParser.parse("id: Bad Id\nname: x\nenabled: maybe\ntrigger: {severity: low}\n"
        + "actions: [{type: log}]\n")).hasMessageContaining("playbook 'Bad Id': id must be 1-64 of a-z")
        .hasMessageContaining("playbook 'Bad Id': enabled must be true or false, was 'maybe'");
    assertThatThrownBy(() -> PlaybookParser.parse("id: off\nname: x\ntrigger: {severity: low}\nactions: [{type: log}]"))
        .hasMessage("playbook '?': id must be a string, was false (quote it: YAML reads yes, no, on, off and numbers as "
            + "other types)");
    assertThatThrownBy(() -> PlaybookParser.parse("id: [1")).hasMessageStartingWith("playbook: not valid YAML or JSON");
    assertThatThrownBy(() -> PlaybookParser.parse("id: a\nname: b\ntrigger: {severity: low}\nactions: "
        + "[{type: alert, channels: []}]")).hasMessageContaining("channels must not be empty");
  }

  @Test
  void jsonIsAcceptedToo() {
    Playbook p = PlaybookParser.parse("{\"id\":\"j\",\"name\":\"J\",\"trigger\":{\"severity\":\"high\"},"
        + "\"actions\":[{\"type\":\"alert\"}]}");
    assertThat(p.actions().get(0).channels()).as("no channels: every configured one").isEmpty();
    assertThat(p.dryRun()).isFalse();
  }

  @Test
  void theDefaultsAreWrittenAtFirstStartAsCortexSocDescribes() throws Exception {
    Path pb = dir.resolve("playbooks");
    Playbooks loaded = Playbooks.load(pb);

    assertThat(pb.resolve("high-severity.yml")).exists();
    assertThat(loaded.all()).extracting(Playbook::id).containsExactly("high-severity", "low-severity",
        "medium-severity");
    Playbook high = loaded.get("high-severity").orElseThrow();
    assertThat(high.trigger().severity()).isEqualTo(Severity.HIGH);
    assertThat(high.actions()).extracting(Playbook.Action::type).containsExactly("disable_account", "block_ip",
        "alert");
    assertThat(high.actions().get(2).channels()).containsExactly("pagerduty", "slack", "teams", "email", "webhook");
    assertThat(loaded.get("medium-severity").orElseThrow().actions()).containsExactly(
        new Playbook.Action("alert", null, List.of("slack", "teams", "email", "webhook"), null));
    assertThat(loaded.get("low-severity").orElseThrow().actions()).extracting(Playbook.Action::type)
        .containsExactly("log");

    Files.delete(pb.resolve("low-severity.yml"));
    assertThat(Playbooks.load(pb).all()).as("an existing directory is not refilled").hasSize(2);
  }

  @Test
  void anInvalidFileStopsLoadingWithItsName() throws Exception {
    Files.writeString(dir.resolve("broken.yml"), "id: broken\nname: b\ntrigger: {severity: loud}\nactions: "
        + "[{type: log}]\n");
    assertThatThrownBy(() -> Playbooks.load(dir)).isInstanceOf(PlaybookException.class)
        .hasMessage(dir.resolve("broken.yml") + ": playbook 'broken': trigger.severity must be informational, low, "
            + "medium, high or critical, was 'loud'");
  }

  @Test
  void aFileMustBeNamedAfterItsPlaybook() throws Exception {
    Files.writeString(dir.resolve("other.yml"), GOOD);
    assertThatThrownBy(() -> Playbooks.load(dir)).hasMessage(dir.resolve("other.yml")
        + ": playbook 'ssh-brute-force' must be in a file named ssh-brute-force.yml");
  }

  @Test
  void putAndDeleteWriteTheDirectoryAtomicallyAndTakeEffectAtOnce() throws Exception {
    Files.createDirectories(dir);
    Playbooks books = Playbooks.load(dir);
    assertThat(books.all()).isEmpty();

    assertThat(books.put(PlaybookParser.parse(GOOD))).isTrue();
    assertThat(books.get("ssh-brute-force")).isPresent();
    assertThat(Playbooks.load(dir).get("ssh-brute-force")).as("read back from its file")
        .contains(PlaybookParser.parse(GOOD));
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("ssh-brute-force.yml");
    }
    assertThat(books.put(PlaybookParser.parse(GOOD.replace("enabled: true", "enabled: false")))).isFalse();
    assertThat(books.get("ssh-brute-force").orElseThrow().enabled()).isFalse();

    assertThat(books.delete("ssh-brute-force")).isTrue();
    assertThat(books.delete("ssh-brute-force")).isFalse();
    assertThat(books.all()).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aTriggerMatchesSeverityAtOrAboveAndAnyOfItsLists() {
    Playbook.Trigger t = new Playbook.Trigger(Severity.MEDIUM, List.of("r1"), List.of("t1", "t2"), List.of("ip"));
    assertThat(t.matches(Severity.HIGH, "r1", List.of("t2"), "ip")).isTrue();
    assertThat(t.matches(Severity.LOW, "r1", List.of("t2"), "ip")).as("below").isFalse();
    assertThat(t.matches(Severity.HIGH, "r2", List.of("t2"), "ip")).as("other rule").isFalse();
    assertThat(t.matches(Severity.HIGH, "r1", List.of("t3"), "ip")).as("no tag in common").isFalse();
    assertThat(t.matches(Severity.HIGH, "r1", List.of("t1"), "user")).as("other entity").isFalse();
    assertThat(new Playbook.Trigger(Severity.LOW, List.of(), List.of(), List.of())
        .matches(Severity.LOW, "any", List.of(), null)).isTrue();
  }
}
