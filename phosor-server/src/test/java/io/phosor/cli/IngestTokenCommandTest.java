package io.phosor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.store.IngestTokens;
import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code phosor ingest-token}: create (printed once), list, revoke, against the configured database. */
class IngestTokenCommandTest {
  @TempDir
  Path dir;
  private String yml;

  @BeforeEach
  void config() throws Exception {
    yml = Files.writeString(dir.resolve("phosor.yml"), "data_dir: " + dir.resolve("data") + "\n").toString();
  }

  @Test
  void createListAndRevoke() {
    UserCommandTest.Run created = UserCommandTest.run("", "ingest-token", "create", "edge-1", "--config", yml);
    assertThat(created.status()).as(created.err()).isZero();
    String token = created.out().strip();
    assertThat(token).startsWith("phi_").hasSize(47);
    assertThat(created.err()).contains("shown once");
    try (Store store = Store.open(StoreSettings.of(null, dir.resolve("data")), Clock.systemUTC())) {
      assertThat(store.ingestTokens().findByHash(IngestTokens.hash(token))).isPresent();
    }

    UserCommandTest.Run list = UserCommandTest.run("", "ingest-token", "list", "--config", yml);
    assertThat(list.out()).containsPattern("edge-1\\s+active\\s+console:\\S+\\s+never").doesNotContain(token);

    assertThat(UserCommandTest.run("", "ingest-token", "create", "edge-1", "--config", yml).err())
        .contains("already exists");
    assertThat(UserCommandTest.run("", "ingest-token", "create", "../x", "--config", yml).status()).isEqualTo(1);

    UserCommandTest.Run revoked = UserCommandTest.run("", "ingest-token", "revoke", "edge-1", "--config", yml);
    assertThat(revoked.status()).as(revoked.err()).isZero();
    assertThat(UserCommandTest.run("", "ingest-token", "list", "--config", yml).out()).contains("revoked");
    assertThat(UserCommandTest.run("", "ingest-token", "revoke", "nobody", "--config", yml).err())
        .contains("does not exist");
  }
}
