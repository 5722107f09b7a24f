package io.phosor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.audit.Audit;
import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import io.phosor.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
  private static final String INGEST = "ingest-token-0123456789";
  private static final String API = "api-token-0123456789abcdef";
  private static final Principal ADMIN = new Principal("tester", Role.ADMIN, Principal.Kind.API_TOKEN);

  @TempDir
  Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<String> audit = new CopyOnWriteArrayList<>();
  private Store store;
  private Accounts accounts;
  private Authenticator auth;

  @BeforeEach
  void open() {
    store = Store.open(StoreSettings.of(null, dir), clock);
    AccessTokens tokens = new AccessTokens(new byte[32], Duration.ofMinutes(15), clock);
    Audit recording = (actor, role, address, action, target, outcome, detail) ->
        audit.add(actor + " " + address + " " + action + " " + target + " " + outcome + " " + detail);
    accounts = new Accounts(store.users(), new PasswordHasher(64, 1), tokens, recording, clock);
    auth = new Authenticator(new TokenAuth(List.of(INGEST), API), tokens, accounts, recording);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void machineTokensAreRecognizedFirst() {
    assertThat(auth.authenticate(API, "192.0.2.1", "GET /api/rules")).isEqualTo(Principal.apiToken());
    Principal ingest = auth.authenticate(INGEST, "192.0.2.1", "POST /api/ingest");
    assertThat(ingest.kind()).isEqualTo(Principal.Kind.INGEST_TOKEN);
    assertThat(ingest.name()).isEqualTo("ingest-token:" + TokenAuth.fingerprint(INGEST)).doesNotContain(INGEST);
    assertThat(audit).isEmpty();
  }

  @Test
  void everyRejectedTokenIsAuditedWithItsReason() {
    assertThatThrownBy(() -> auth.authenticate("garbage", "192.0.2.7", "GET /api/alerts"))
        .isInstanceOf(AccessTokens.InvalidTokenException.class);
    assertThat(audit).containsExactly("anonymous 192.0.2.7 token.rejected GET /api/alerts denied {reason=malformed}");

    accounts.create("alice", "correct horse battery staple", Role.VIEWER, ADMIN, null);
    String token = accounts.login("alice", "correct horse battery staple", "192.0.2.7").token();
    assertThat(auth.authenticate(token, "192.0.2.7", "GET /api/alerts").name()).isEqualTo("alice");
    accounts.update("alice", null, true, ADMIN, null);
    audit.clear();
    assertThatThrownBy(() -> auth.authenticate(token, "192.0.2.7", "GET /api/alerts"))
        .isInstanceOf(AccessTokens.InvalidTokenException.class);
    assertThat(audit).singleElement().asString().startsWith("alice 192.0.2.7 token.rejected GET /api/alerts denied")
        .contains("reason=disabled");

    clock.advance(Duration.ofMinutes(16));
    audit.clear();
    assertThatThrownBy(() -> auth.authenticate(token, "192.0.2.8", "GET /api/rules"))
        .isInstanceOf(AccessTokens.InvalidTokenException.class);
    assertThat(audit).containsExactly("anonymous 192.0.2.8 token.rejected GET /api/rules denied " + Map.of("reason", "expired"));
  }
}
