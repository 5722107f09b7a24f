package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit trail: appended, listed newest first, paged. */
abstract class AuditContract extends StoreContract {
  @Test
  void entriesAreAppendedAndListedNewestFirstWithPaging() {
    AuditEntry first = store.audit().append("alice", "rule.create", "brute-force", "{\"version\":1}", "192.0.2.10");
    clock.advance(Duration.ofSeconds(1));
    AuditEntry second = store.audit().append("system", "auth.login_failed", null, null, "2001:db8::1");
    AuditEntry third = store.audit().append("bob", "alert.acknowledge", "42", null, null);

    assertThat(first).isEqualTo(new AuditEntry(first.id(), T0, "alice", "rule.create", "brute-force", "{\"version\":1}",
        "192.0.2.10"));
    assertThat(store.audit().list(10, null)).containsExactly(third, second, first);
    List<AuditEntry> page = store.audit().list(2, null);
    assertThat(page).containsExactly(third, second);
    assertThat(store.audit().list(2, page.get(1).id())).containsExactly(first);
    assertThat(second.at()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void badEntriesAreRejected() {
    assertThatThrownBy(() -> store.audit().append("", "a", null, null, null)).hasMessage("audit actor must not be empty");
    assertThatThrownBy(() -> store.audit().append("a", "a", null, "nope", null))
        .hasMessageStartingWith("audit detail is not valid JSON");
    assertThatThrownBy(() -> store.audit().list(1001, null)).hasMessage("limit must be 1-1000, was 1001");
    assertThat(store.audit().list(10, null)).isEmpty();
  }
}
