package io.phosor.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityTest {
  @Test
  void theSourceAddressComesFirstThenTheDestinationThenAnyOtherAddress() {
    assertThat(Entity.of("r", Map.of("user.name", "root", "destination.ip", "10.0.0.1", "source.ip", "203.0.113.7")))
        .isEqualTo(new Entity("ip", "203.0.113.7"));
    assertThat(Entity.of("r", Map.of("user.name", "root", "destination.ip", "10.0.0.1")))
        .isEqualTo(new Entity("ip", "10.0.0.1"));
    assertThat(Entity.of("r", Map.of("host.name", "web-1", "client.ip", "198.51.100.2", "a.ip", "198.51.100.1")))
        .as("the first in name order, whatever the map's order").isEqualTo(new Entity("ip", "198.51.100.1"));
  }

  @Test
  void withoutAnAddressTheUserThenTheHostIsTheEntity() {
    assertThat(Entity.of("r", Map.of("user.name", "alice", "host.name", "web-1"))).isEqualTo(new Entity("user", "alice"));
    assertThat(Entity.of("r", Map.of("target.user.name", "bob"))).isEqualTo(new Entity("user", "bob"));
    assertThat(Entity.of("r", Map.of("winlog.user", "carol", "host.name", "web-1"))).isEqualTo(new Entity("user", "carol"));
    assertThat(Entity.of("r", Map.of("host.name", "web-1"))).isEqualTo(new Entity("host", "web-1"));
    assertThat(Entity.of("r", Map.of("host.hostname", "web-2"))).isEqualTo(new Entity("host", "web-2"));
  }

  @Test
  void anAlertAboutNoneOfThemIsAboutItsRuleAndBlankOrHugeValuesAreSkipped() {
    assertThat(Entity.of("disk-full", Map.of())).isEqualTo(new Entity("rule", "disk-full"));
    assertThat(Entity.of("r", Map.of("process.name", "nc"))).isEqualTo(new Entity("rule", "r"));
    assertThat(Entity.of("r", Map.of("source.ip", " ", "user.name", "x".repeat(Entity.MAX_VALUE + 1),
        "host.name", "web-1"))).isEqualTo(new Entity("host", "web-1"));
    assertThat(Entity.of("r", null)).isEqualTo(new Entity("rule", "r"));
  }

  @Test
  void theTitleNamesTheRuleAndTheEntity() {
    assertThat(new Entity("ip", "203.0.113.7").title("SSH brute force")).isEqualTo("SSH brute force from 203.0.113.7");
    assertThat(new Entity("user", "alice").title("Impossible travel")).isEqualTo("Impossible travel for user alice");
    assertThat(new Entity("host", "web-1").title("Malware")).isEqualTo("Malware on host web-1");
    assertThat(new Entity("rule", "r").title("Disk full")).isEqualTo("Disk full");
    assertThat(new Entity("ip", "1.2.3.4").title("x".repeat(400))).hasSize(Entity.MAX_TITLE).endsWith("...");
  }
}
