package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Users: unique regardless of case, with password hash, role, disabled flag and last login. */
abstract class UsersContract extends StoreContract {
  static final String HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g";

  @Test
  void aUserIsFoundByNameInAnyCase() {
    StoredUser alice = store.users().create("Alice", HASH, "admin");

    assertThat(alice).isEqualTo(new StoredUser(alice.id(), "Alice", HASH, "admin", false, T0, T0, null));
    assertThat(store.users().get("alice")).contains(alice);
    assertThat(store.users().get("ALICE")).contains(alice);
    assertThat(store.users().get("bob")).isEmpty();
  }

  @Test
  void userNamesAreUniqueRegardlessOfCase() {
    store.users().create("Alice", HASH, "admin");
    assertThatThrownBy(() -> store.users().create("aLiCe", HASH, "viewer"))
        .isInstanceOf(StoreConflictException.class).hasMessage("user aLiCe already exists (user names ignore case)");
    store.users().create("Élodie", HASH, "viewer");
    assertThatThrownBy(() -> store.users().create("éLODIE", HASH, "viewer")).isInstanceOf(StoreConflictException.class);
    assertThat(store.users().list()).extracting(StoredUser::username).containsExactly("Alice", "Élodie");
  }

  @Test
  void passwordRoleDisabledAndLoginChangesAreStored() {
    store.users().create("bob", HASH, "viewer");
    clock.advance(Duration.ofMinutes(1));

    assertThat(store.users().updatePasswordHash("BOB", "$2b$12$new").passwordHash()).isEqualTo("$2b$12$new");
    assertThat(store.users().setRole("bob", "analyst").role()).isEqualTo("analyst");
    StoredUser disabled = store.users().setDisabled("bob", true);
    assertThat(disabled.disabled()).isTrue();
    assertThat(disabled.updatedAt()).isEqualTo(T0.plusSeconds(60));
    clock.advance(Duration.ofMinutes(1));
    StoredUser loggedIn = store.users().recordLogin("bob");
    assertThat(loggedIn.lastLoginAt()).isEqualTo(T0.plusSeconds(120));
    assertThat(loggedIn.updatedAt()).as("a login is not a change to the account").isEqualTo(T0.plusSeconds(60));
    assertThat(store.users().setDisabled("bob", false).disabled()).isFalse();
  }

  @Test
  void aDeletedUserIsGoneAndUnknownUsersAreNotFound() {
    store.users().create("carol", HASH, "viewer");
    store.users().delete("Carol");
    assertThat(store.users().get("carol")).isEmpty();
    assertThatThrownBy(() -> store.users().delete("carol"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("user carol does not exist");
    assertThatThrownBy(() -> store.users().setRole("carol", "admin")).isInstanceOf(StoreNotFoundException.class);
    assertThatThrownBy(() -> store.users().recordLogin("carol")).isInstanceOf(StoreNotFoundException.class);
    store.users().create("carol", HASH, "viewer");
  }

  @Test
  void thePasswordHashNeverShowsInToStringAndBadInputIsRejected() {
    StoredUser u = store.users().create("dave", HASH, "viewer");
    assertThat(u.toString()).contains("dave").doesNotContain(HASH);
    assertThatThrownBy(() -> store.users().create("eve", HASH, "Super User"))
        .hasMessage("role must be a lower-case word such as admin, analyst or viewer, was \"Super User\"");
    assertThatThrownBy(() -> store.users().create(" eve", HASH, "viewer"))
        .hasMessage("user name must not start or end with spaces");
    assertThatThrownBy(() -> store.users().create("eve", "", "viewer")).hasMessage("password hash must not be empty");
    assertThatThrownBy(() -> store.users().create("e".repeat(101), HASH, "viewer"))
        .hasMessage("user name is 101 characters long, more than the 100 allowed");
  }
}
