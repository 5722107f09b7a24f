package io.phosor.store;

import static io.phosor.event.Severity.HIGH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The blocklist: one active entry per address, extended by a re-block, removed, expired, listed for the feed. */
abstract class BlocklistContract extends StoreContract {
  @Test
  void anAddressIsBlockedOnceAndAReBlockExtendsIt() {
    long incident = store.incidents().create("t", HIGH, "ip", "203.0.113.7", "system").id();

    Blocklist.Blocked first = store.blocklist().block("203.0.113.7", T0.plusSeconds(3600), "brute force", incident,
        "playbook:high");
    Blocklist.Blocked shorter = store.blocklist().block("203.0.113.7", T0.plusSeconds(60), "again", null, "manual:bob");
    Blocklist.Blocked longer = store.blocklist().block("203.0.113.7", T0.plusSeconds(7200), "again", null, "manual:bob");

    assertThat(first.added()).isTrue();
    assertThat(first.entry()).isEqualTo(new BlockEntry(first.entry().id(), "203.0.113.7", "brute force", incident,
        "playbook:high", T0, T0.plusSeconds(3600), null, null));
    assertThat(shorter.added()).isFalse();
    assertThat(shorter.entry().expiresAt()).as("a shorter block never shortens").isEqualTo(T0.plusSeconds(3600));
    assertThat(longer.entry().expiresAt()).isEqualTo(T0.plusSeconds(7200));
    assertThat(longer.entry().id()).isEqualTo(first.entry().id());
    assertThat(longer.entry().reason()).as("the first reason stands").isEqualTo("brute force");
    assertThat(store.blocklist().activeAddresses()).containsExactly("203.0.113.7");
  }

  @Test
  void expiredBlocksLeaveTheFeedAndAreSweptOnce() {
    store.blocklist().block("198.51.100.2", T0.plusSeconds(60), null, null, "t");
    store.blocklist().block("2001:db8::1", T0.plusSeconds(120), null, null, "t");
    store.blocklist().block("192.0.2.9", null, null, null, "t");
    assertThat(store.blocklist().activeAddresses()).containsExactly("192.0.2.9", "198.51.100.2", "2001:db8::1");

    clock.advance(Duration.ofSeconds(60));
    assertThat(store.blocklist().activeAddresses()).as("expired, even before the sweep")
        .containsExactly("192.0.2.9", "2001:db8::1");
    assertThat(store.blocklist().active("198.51.100.2")).isEmpty();
    var swept = store.blocklist().expire(100);
    assertThat(swept).extracting(BlockEntry::address).containsExactly("198.51.100.2");
    assertThat(swept.get(0).removedBy()).isEqualTo("expiry");
    assertThat(swept.get(0).removedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(store.blocklist().expire(100)).isEmpty();
    assertThat(store.blocklist().list(10, false)).extracting(BlockEntry::address)
        .containsExactly("192.0.2.9", "2001:db8::1");
    assertThat(store.blocklist().list(10, true)).hasSize(3);
  }

  @Test
  void anExpiredAddressCanBeBlockedAnewAndARemovedOneToo() {
    store.blocklist().block("198.51.100.2", T0.plusSeconds(60), null, null, "t");
    clock.advance(Duration.ofSeconds(61));
    Blocklist.Blocked again = store.blocklist().block("198.51.100.2", T0.plusSeconds(600), "again", null, "t");
    assertThat(again.added()).as("the old block had expired").isTrue();

    assertThat(store.blocklist().remove("198.51.100.2", "manual:alice")).hasValueSatisfying(b -> {
      assertThat(b.removedBy()).isEqualTo("manual:alice");
      assertThat(b.removedAt()).isEqualTo(T0.plusSeconds(61));
    });
    assertThat(store.blocklist().remove("198.51.100.2", "manual:alice")).isEmpty();
    assertThat(store.blocklist().activeAddresses()).isEmpty();
    assertThat(store.blocklist().block("198.51.100.2", null, null, null, "t").added()).isTrue();
    assertThat(store.blocklist().list(10, true)).hasSize(3);
  }

  @Test
  void anUnknownIncidentIsNotFound() {
    assertThatThrownBy(() -> store.blocklist().block("192.0.2.1", null, null, 999_999L, "t"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("incident 999999 does not exist");
  }
}
