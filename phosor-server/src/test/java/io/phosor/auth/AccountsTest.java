package io.phosor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.audit.Audit;
import io.phosor.store.Store;
import io.phosor.store.StoreConflictException;
import io.phosor.store.StoreSettings;
import io.phosor.testkit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountsTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final Principal ADMIN = new Principal("tester", Role.ADMIN, Principal.Kind.API_TOKEN);

  record Entry(String actor, String role, String address, String action, String target, String outcome,
      Map<String, Object> detail) {}

  @TempDir
  Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Entry> audit = new CopyOnWriteArrayList<>();
  private final PasswordHasher hasher = new PasswordHasher(64, 1);
  private Store store;
  private Accounts accounts;
  private AccessTokens tokens;

  @BeforeEach
  void open() {
    store = Store.open(StoreSettings.of(null, dir), clock);
    tokens = new AccessTokens(new byte[32], Duration.ofMinutes(15), clock);
    Audit recording = (actor, role, address, action, target, outcome, detail) ->
        audit.add(new Entry(actor, role, address, action, target, outcome, detail));
    accounts = new Accounts(store.users(), hasher, tokens, recording, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void everyLoginCostsOneArgon2ComputationWhateverTheOutcome() {
    accounts.create("alice", PASSWORD, Role.VIEWER, ADMIN, null);
    accounts.create("dave", PASSWORD, Role.VIEWER, ADMIN, null);
    accounts.update("dave", null, true, ADMIN, null);
    for (String[] attempt : new String[][] {{"alice", PASSWORD}, {"alice", "wrong password!"}, {"nobody", PASSWORD},
        {"no such name with spaces", PASSWORD}, {"dave", PASSWORD}}) {
      long before = hasher.computed();
      try {
        accounts.login(attempt[0], attempt[1], "192.0.2.1");
      } catch (Accounts.LoginRefusedException expected) {
        // the outcome is not the point here
      }
      assertThat(hasher.computed() - before).as("login of %s", attempt[0]).isEqualTo(1);
    }
  }

  @Test
  void loginsAndRefusalsAreAudited() {
    accounts.create("alice", PASSWORD, Role.ANALYST, ADMIN, "192.0.2.9");
    audit.clear();
    accounts.login("alice", PASSWORD, "192.0.2.1");
    refused(() -> accounts.login("alice", "wrong password!", "192.0.2.1"), Accounts.Refusal.BAD_CREDENTIALS);
    refused(() -> accounts.login("mallory", "wrong password!", "192.0.2.2"), Accounts.Refusal.BAD_CREDENTIALS);
    assertThat(audit).containsExactly(
        new Entry("alice", "analyst", "192.0.2.1", "login", "alice", "success", Map.of()),
        new Entry("anonymous", null, "192.0.2.1", "login", "alice", "failure", Map.of("reason", "wrong_password")),
        new Entry("anonymous", null, "192.0.2.2", "login", "mallory", "failure", Map.of("reason", "unknown_user")));
  }

  @Test
  void aThrottledLoginIsRefusedWithoutCheckingThePasswordAndAudited() {
    accounts.create("alice", PASSWORD, Role.VIEWER, ADMIN, null);
    for (int i = 0; i < 5; i++) {
      refused(() -> accounts.login("alice", "wrong password!", "192.0.2.1"), Accounts.Refusal.BAD_CREDENTIALS);
    }
    long before = hasher.computed();
    assertThatThrownBy(() -> accounts.login("alice", PASSWORD, "192.0.2.1"))
        .isInstanceOfSatisfying(Accounts.LoginRefusedException.class, e -> {
          assertThat(e.refusal()).isEqualTo(Accounts.Refusal.THROTTLED);
          assertThat(e.retryAfterSeconds()).isEqualTo(1);
        });
    assertThat(hasher.computed()).isEqualTo(before);
    assertThat(audit.get(audit.size() - 1).detail()).containsEntry("reason", "throttled");
    clock.advance(Duration.ofSeconds(1));
    assertThat(accounts.login("alice", PASSWORD, "192.0.2.1").token()).isNotBlank();
  }

  @Test
  void aTokenStopsWorkingWhenItsAccountChangesIsDisabledOrDeleted() {
    accounts.create("alice", PASSWORD, Role.ANALYST, ADMIN, null);
    accounts.create("root2", PASSWORD, Role.ADMIN, ADMIN, null);
    AccessTokens.Claims c = tokens.verify(accounts.login("alice", PASSWORD, null).token());
    assertThat(accounts.principal(c)).isEqualTo(new Principal("alice", Role.ANALYST, Principal.Kind.USER));

    accounts.setPassword("alice", null, "a brand new password", ADMIN, null);
    assertReason(c, "revoked");
    AccessTokens.Claims fresh = tokens.verify(accounts.login("alice", "a brand new password", null).token());
    assertThat(accounts.principal(fresh).role()).isEqualTo(Role.ANALYST);

    accounts.update("alice", null, true, ADMIN, null);
    assertReason(fresh, "disabled");
    clock.advance(Duration.ofMillis(1)); // the version includes updated_at: another moment, another version
    accounts.update("alice", null, false, ADMIN, null);
    assertReason(fresh, "revoked");

    AccessTokens.Claims again = tokens.verify(accounts.login("alice", "a brand new password", null).token());
    accounts.delete("alice", ADMIN, null);
    assertReason(again, "unknown_user");
    accounts.create("alice", "a brand new password", Role.ANALYST, ADMIN, null);
    assertReason(again, "revoked");
  }

  @Test
  void aChangeMadeElsewhereIsSeenWithinTheCacheTime() {
    accounts.create("alice", PASSWORD, Role.VIEWER, ADMIN, null);
    AccessTokens.Claims c = tokens.verify(accounts.login("alice", PASSWORD, null).token());
    accounts.principal(c);
    store.users().setDisabled("alice", true); // as 'phosor user' or another node would
    assertThat(accounts.principal(c).name()).as("still cached").isEqualTo("alice");
    clock.advance(Accounts.USER_CACHE_TTL);
    assertReason(c, "disabled");
  }

  @Test
  void firstStartCreatesAdminWithAPasswordPrintedOnceThatWorks() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(accounts.createFirstAdmin(AuthSettings.defaults(), console)).isTrue();
    Matcher m = Pattern.compile("password: (\\S+)").matcher(out.toString(StandardCharsets.UTF_8));
    assertThat(m.find()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
    assertThat(m.group(1)).hasSize(24);
    assertThat(accounts.login("admin", m.group(1), null).token()).isNotBlank();
    assertThat(accounts.get("admin").role()).isEqualTo("admin");
    assertThat(audit).anyMatch(e -> e.action().equals("user.create") && "admin".equals(e.target()));
    assertThat(audit.toString()).doesNotContain(m.group(1));

    out.reset();
    assertThat(accounts.createFirstAdmin(AuthSettings.defaults(), console)).isFalse();
    assertThat(out.size()).isZero();
  }

  @Test
  void firstStartTakesThePasswordFromTheEnvironmentAndDoesNotPrintIt() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuthSettings s = AuthSettings.fromEnvironment(Map.of("PHOSOR_ADMIN_PASSWORD", "a password from env"));
    assertThat(accounts.createFirstAdmin(s, new PrintStream(out, true, StandardCharsets.UTF_8))).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("PHOSOR_ADMIN_PASSWORD").doesNotContain("a password from env");
    assertThat(accounts.login("admin", "a password from env", null).token()).isNotBlank();
  }

  @Test
  void theLastEnabledAdminCannotBeDemotedDisabledOrDeleted() {
    accounts.create("root", PASSWORD, Role.ADMIN, ADMIN, null);
    assertThatThrownBy(() -> accounts.delete("root", ADMIN, null)).isInstanceOf(StoreConflictException.class)
        .hasMessageContaining("last enabled admin");
    assertThatThrownBy(() -> accounts.update("root", Role.VIEWER, null, ADMIN, null))
        .isInstanceOf(StoreConflictException.class);
    assertThatThrownBy(() -> accounts.update("root", null, true, ADMIN, null)).isInstanceOf(StoreConflictException.class);
    accounts.create("root2", PASSWORD, Role.ADMIN, ADMIN, null);
    accounts.update("root", Role.VIEWER, null, ADMIN, null);
    assertThatThrownBy(() -> accounts.delete("root2", ADMIN, null)).isInstanceOf(StoreConflictException.class);
  }

  @Test
  void namesAndPasswordsAreChecked() {
    assertThatThrownBy(() -> accounts.create("admin-token", PASSWORD, Role.VIEWER, ADMIN, null))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> accounts.create("ingest-token:abcd", PASSWORD, Role.VIEWER, ADMIN, null))
        .hasMessageContaining("user name must be");
    assertThatThrownBy(() -> accounts.create("-x", PASSWORD, Role.VIEWER, ADMIN, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> accounts.create("bob", "short", Role.VIEWER, ADMIN, null))
        .hasMessageContaining("at least 12 characters");
    assertThatThrownBy(() -> accounts.create("bob", PASSWORD, Role.INGEST, ADMIN, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.users().list()).isEmpty();
  }

  @Test
  void changingYourOwnPasswordNeedsTheOldOne() {
    accounts.create("alice", PASSWORD, Role.VIEWER, ADMIN, null);
    Principal alice = new Principal("alice", Role.VIEWER, Principal.Kind.USER);
    assertThatThrownBy(() -> accounts.setPassword("alice", null, "a brand new password", alice, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> accounts.setPassword("alice", "not it at all", "a brand new password", alice, null))
        .isInstanceOf(SecurityException.class);
    accounts.setPassword("alice", PASSWORD, "a brand new password", alice, null);
    assertThat(accounts.login("alice", "a brand new password", null).token()).isNotBlank();
    accounts.create("bob", PASSWORD, Role.VIEWER, ADMIN, null);
    assertThatThrownBy(() -> accounts.setPassword("bob", PASSWORD, "a brand new password", alice, null))
        .isInstanceOf(SecurityException.class);
  }

  private void assertReason(AccessTokens.Claims c, String reason) {
    assertThatThrownBy(() -> accounts.principal(c)).isInstanceOfSatisfying(AccessTokens.InvalidTokenException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private static void refused(Runnable login, Accounts.Refusal refusal) {
    assertThatThrownBy(login::run).isInstanceOfSatisfying(Accounts.LoginRefusedException.class,
        e -> assertThat(e.refusal()).isEqualTo(refusal));
  }
}
