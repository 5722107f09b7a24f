package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.cli.CliRunner;
import io.phosor.config.ConfigException;
import io.phosor.secrets.EncryptionKey;
import io.phosor.secrets.SecretException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC section 7: secrets at rest under PHOSOR_ENCRYPTION_KEY, checked at start-up, and rotated. */
class SecretsEndToEndTest {
  @TempDir
  Path data;

  @Test
  void withoutAKeyTheServerStartsButRefusesToStoreASecret() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      assertThatThrownBy(() -> t.server().secrets().put("smtp.password", "hunter2")).isInstanceOf(SecretException.class)
          .hasMessageContaining("PHOSOR_ENCRYPTION_KEY is not set").hasMessageContaining("phosor keygen");
    }
  }

  @Test
  void aWrongOrMissingKeyStopsStartUpAndRotationMovesTheSecretsToTheNewKey() throws Exception {
    EncryptionKey k1 = EncryptionKey.generate();
    EncryptionKey k2 = EncryptionKey.generate();
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_ENCRYPTION_KEY", k1.encoded()))) {
      t.server().secrets().put("smtp.password", "hunter2");
      assertThat(t.server().secrets().get("smtp.password")).contains("hunter2");
    }

    assertThatThrownBy(() -> TestServer.start(data, Map.of("PHOSOR_ENCRYPTION_KEY", k2.encoded())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot read the stored secrets")
        .hasMessageContaining("'secret.smtp.password'")
        .hasMessageContaining("encrypted under key id " + k1.id())
        .hasMessageNotContaining(k1.encoded()).hasMessageNotContaining(k2.encoded());
    assertThatThrownBy(() -> TestServer.start(data, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("PHOSOR_ENCRYPTION_KEY is not set");

    Path yml = Files.writeString(data.resolve("phosor.yml"), "data_dir: " + data + "\nsecrets:\n  encryption_key: "
        + k1.encoded() + "\n");
    CliRunner.Run rotate = CliRunner.run("keys", "rotate", "--config", yml.toString(), "--new-key", k2.encoded());
    assertThat(rotate.status()).as(rotate.err()).isZero();
    assertThat(rotate.out()).contains("re-encrypted 1 stored secret(s) under key id " + k2.id() + " (was " + k1.id() + ")");

    assertThatThrownBy(() -> TestServer.start(data, Map.of("PHOSOR_ENCRYPTION_KEY", k1.encoded())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("encrypted under key id " + k2.id());
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_ENCRYPTION_KEY", k2.encoded()))) {
      assertThat(t.server().secrets().get("smtp.password")).contains("hunter2");
      var audit = t.get("/api/audit?action=keys.rotate", t.admin());
      assertThat(audit.body()).contains("\"actor\":\"cli\"").contains("\"to_key\":\"" + k2.id() + "\"")
          .doesNotContain(k2.encoded());
    }
  }

  @Test
  void keysCannotBeRotatedWhileTheServerRuns() throws Exception {
    EncryptionKey k1 = EncryptionKey.generate();
    Path yml = Files.writeString(data.resolve("phosor.yml"), "data_dir: " + data + "\nsecrets:\n  encryption_key: "
        + k1.encoded() + "\n");
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_ENCRYPTION_KEY", k1.encoded()))) {
      CliRunner.Run rotate = CliRunner.run("keys", "rotate", "--config", yml.toString(), "--new-key",
          EncryptionKey.generate().encoded());
      assertThat(rotate.status()).isEqualTo(1);
      assertThat(rotate.err()).contains("being written by another Phosor process")
          .contains("keys can only be rotated while the server is stopped");
    }
  }
}
