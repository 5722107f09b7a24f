package io.phosor.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.audit.Audit;
import io.phosor.config.ResponseConfig;
import io.phosor.store.Store;
import io.phosor.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** block_ip and the blocklist: allow-list, normalisation, expiry, and the firewall command run without a shell. */
class BlockServiceTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final ManualClock clock = new ManualClock(T0);
  final List<String> audited = new ArrayList<>();
  final Audit audit = (actor, role, address, action, target, outcome, detail) -> audited.add(action + " " + target);
  @TempDir
  Path dir;
  Store store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  BlockService service(Map<String, String> env) {
    ResponseConfig rc = Fixture.config(dir, env).response();
    store = Fixture.store(dir, clock);
    return new BlockService(store.blocklist(), rc, audit, new SimpleMeterRegistry(), clock);
  }

  /** A firewall script that appends each argument on its own line to {@code out}. */
  Path recorder(String name, Path out) throws Exception {
    return Fixture.script(dir, name, "for a in \"$@\"; do printf '%s\\n' \"$a\" >> '" + out + "'; done");
  }

  @Test
  void anAddressIsBlockedUntilItsExpiryThenSweptAndUnblockedByTheCommands() throws Exception {
    Path out = dir.resolve("calls.txt");
    Path block = recorder("block.sh", out);
    Path unblock = recorder("unblock.sh", out);
    BlockService s = service(Map.of(
        "PHOSOR_FIREWALL_BLOCK_COMMAND", "[\"" + block + "\",\"add\",\"phosor\",\"--ip={ip}\",\"{ip}\"]",
        "PHOSOR_FIREWALL_UNBLOCK_COMMAND", "[\"" + unblock + "\",\"del\",\"{ip}\"]"));

    String outcome = s.block("2001:DB8:0:0::7", Duration.ofSeconds(60), "test", null, "manual:alice");

    assertThat(outcome).isEqualTo("blocked 2001:db8::7 until 2026-01-01T00:01:00Z; firewall command exited 0");
    assertThat(Files.readAllLines(out)).as("exact arguments, the address normalised")
        .containsExactly("add", "phosor", "--ip=2001:db8::7", "2001:db8::7");
    assertThat(s.feed()).isEqualTo("2001:db8::7\n");

    clock.advance(Duration.ofSeconds(59));
    assertThat(s.sweep()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(s.feed()).as("expired: out of the feed at once").isEmpty();
    assertThat(s.sweep()).isEqualTo(1);
    assertThat(Files.readAllLines(out)).containsExactly("add", "phosor", "--ip=2001:db8::7", "2001:db8::7", "del",
        "2001:db8::7");
    assertThat(s.sweep()).as("once").isZero();
    assertThat(audited).containsExactly("blocklist.add 2001:db8::7", "blocklist.expired 2001:db8::7");
  }

  @Test
  void reBlockingAnActiveAddressExtendsIt() throws Exception {
    BlockService s = service(Map.of("PHOSOR_BLOCK_TTL_SECONDS", "3600"));
    s.block("198.51.100.2", null, null, null, "t");
    clock.advance(Duration.ofMinutes(30));
    String outcome = s.block("198.51.100.2", null, null, null, "t");

    assertThat(outcome).isEqualTo("block extended: 198.51.100.2 until 2026-01-01T01:30:00Z");
    assertThat(store.blocklist().list(10, true)).hasSize(1);
  }

  @Test
  void anAddressOnTheAllowListIsNeverBlocked() throws Exception {
    Path out = dir.resolve("calls.txt");
    Path block = recorder("block.sh", out);
    BlockService s = service(Map.of("PHOSOR_BLOCK_ALLOWLIST", "10.0.0.0/8,2001:db8::/32",
        "PHOSOR_FIREWALL_BLOCK_COMMAND", "[\"" + block + "\",\"{ip}\"]"));

    assertThatThrownBy(() -> s.block("10.9.8.7", null, null, null, "t")).isInstanceOf(Refused.class)
        .hasMessage("address is on the allow-list");
    assertThatThrownBy(() -> s.block("2001:DB8::99", null, null, null, "t")).isInstanceOf(Refused.class)
        .hasMessage("address is on the allow-list");
    assertThat(s.feed()).isEmpty();
    assertThat(out).doesNotExist();
  }

  @Test
  void anAddressWithShellCharactersIsRejectedBeforeAnyCommandRuns() throws Exception {
    Path out = dir.resolve("calls.txt");
    Path block = recorder("block.sh", out);
    BlockService s = service(Map.of("PHOSOR_FIREWALL_BLOCK_COMMAND", "[\"" + block + "\",\"{ip}\"]"));

    for (String bad : List.of("1.2.3.4;rm -rf /", "$(touch " + dir.resolve("pwned") + ")", "1.2.3.4 -j ACCEPT",
        "evil.example.com")) {
      assertThatThrownBy(() -> s.block(bad, null, null, null, "t")).isInstanceOf(Refused.class)
          .hasMessageEndingWith("is not an IPv4 or IPv6 address");
    }
    assertThat(out).doesNotExist();
    assertThat(dir.resolve("pwned")).doesNotExist();
    assertThat(store.blocklist().list(10, true)).isEmpty();
  }

  @Test
  void theCommandGetsItsArgumentsVerbatimWithoutAShell() throws Exception {
    Path out = dir.resolve("calls.txt");
    Path block = recorder("block.sh", out);
    FirewallCommand c = new FirewallCommand(List.of(block.toString(), "a b", "$HOME", "*", "{ip};x"),
        Duration.ofSeconds(5));

    c.run("192.0.2.1");

    assertThat(Files.readAllLines(out)).containsExactly("a b", "$HOME", "*", "192.0.2.1;x");
    assertThatThrownBy(() -> c.run("192.0.2.1; id")).isInstanceOf(ActionFailure.class)
        .hasMessageContaining("not a normalised IP address");
  }

  @Test
  void aFailingCommandIsAFailureWithItsExitCodeAndAHangingOneIsKilled() throws Exception {
    Path fails = Fixture.script(dir, "fails.sh", "echo 'ipset: set phosor does not exist' >&2; exit 3");
    Path hangs = Fixture.script(dir, "hangs.sh", "sleep 30");
    FirewallCommand failing = new FirewallCommand(List.of(fails.toString(), "{ip}"), Duration.ofSeconds(5));
    FirewallCommand hanging = new FirewallCommand(List.of(hangs.toString(), "{ip}"), Duration.ofSeconds(1));

    assertThatThrownBy(() -> failing.run("192.0.2.1")).isInstanceOfSatisfying(ActionFailure.class, e -> {
      assertThat(e.getMessage()).isEqualTo("firewall command exited 3: ipset: set phosor does not exist");
      assertThat(e.retryable()).isTrue();
    });
    long t = System.nanoTime();
    assertThatThrownBy(() -> hanging.run("192.0.2.1")).hasMessageStartingWith("firewall command killed after 1 s");
    assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void removingABlockRunsTheUnblockCommand() throws Exception {
    Path out = dir.resolve("calls.txt");
    Path unblock = recorder("unblock.sh", out);
    BlockService s = service(Map.of("PHOSOR_FIREWALL_UNBLOCK_COMMAND", "[\"" + unblock + "\",\"{ip}\"]"));
    s.block("192.0.2.5", null, null, null, "t");

    assertThat(s.unblock("192.0.2.5", "manual:bob")).hasValueSatisfying(b -> assertThat(b.removedBy())
        .isEqualTo("manual:bob"));
    assertThat(s.unblock("192.0.2.5", "manual:bob")).isEmpty();
    assertThat(Files.readAllLines(out)).containsExactly("192.0.2.5");
  }
}
