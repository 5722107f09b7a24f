package io.phosor.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSettingsTest {
  @TempDir
  Path dir;

  Store store;
  final SecretBox k1 = new SecretBox(EncryptionKey.generate());
  final SecretBox k2 = new SecretBox(EncryptionKey.generate());

  @BeforeEach
  void open() {
    store = Store.open(StoreSettings.of(null, dir), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void secretsAreStoredEncryptedUnderTheSecretPrefixAndReadBack() {
    SecretSettings s = new SecretSettings(store.settings(), k1);
    s.put("smtp.password", "hunter2");
    s.put("secret.slack.webhook", "https://hooks.slack.com/services/T0/B0/XYZ");

    assertThat(store.settings().get("secret.smtp.password")).hasValueSatisfying(v ->
        assertThat(v).startsWith("pse1:" + k1.keyId()).doesNotContain("hunter2"));
    assertThat(s.get("smtp.password")).contains("hunter2");
    assertThat(s.get("secret.slack.webhook")).contains("https://hooks.slack.com/services/T0/B0/XYZ");
    assertThat(s.names()).containsExactly("secret.slack.webhook", "secret.smtp.password");
    assertThat(s.checkReadable()).isEqualTo(2);
    assertThat(s.remove("smtp.password")).isTrue();
    assertThat(s.get("smtp.password")).isEmpty();
  }

  @Test
  void withoutAKeyNothingSecretCanBeStoredAndTheMessageSaysWhatToDo() {
    SecretSettings s = new SecretSettings(store.settings(), null);
    assertThat(s.checkReadable()).isZero();
    assertThatThrownBy(() -> s.put("smtp.password", "hunter2")).isInstanceOf(SecretException.class)
        .hasMessageContaining("PHOSOR_ENCRYPTION_KEY is not set").hasMessageContaining("phosor keygen")
        .hasMessageNotContaining("hunter2");
    assertThat(store.settings().all()).isEmpty();
  }

  @Test
  void storedSecretsAreCheckedAgainstTheKeyInForce() {
    new SecretSettings(store.settings(), k1).put("api.abuseipdb", "k-123");
    assertThatThrownBy(() -> new SecretSettings(store.settings(), k2).checkReadable()).isInstanceOf(SecretException.class)
        .hasMessageContaining("'secret.api.abuseipdb'").hasMessageContaining("key id " + k1.keyId())
        .hasMessageContaining("phosor keys rotate").hasMessageNotContaining("k-123");
    assertThatThrownBy(() -> new SecretSettings(store.settings(), null).checkReadable()).isInstanceOf(SecretException.class)
        .hasMessageContaining("1 secret(s) are stored encrypted (secret.api.abuseipdb), but PHOSOR_ENCRYPTION_KEY is not set");
  }

  @Test
  void aValueCopiedToAnotherSecretsNameDoesNotOpen() {
    SecretSettings s = new SecretSettings(store.settings(), k1);
    s.put("a", "one");
    store.settings().put("secret.b", store.settings().get("secret.a").orElseThrow());
    assertThatThrownBy(() -> s.get("b")).isInstanceOf(SecretException.class);
  }

  @Test
  void rotationReEncryptsEverySecretUnderTheNewKeyAndTheOldKeyNoLongerOpensThem() {
    SecretSettings old = new SecretSettings(store.settings(), k1);
    old.put("smtp.password", "hunter2");
    old.put("webhook", "https://example.test/hook");
    store.settings().put("respond.dry_run", "true");

    assertThat(SecretSettings.rotate(store.settings(), k1, k2)).isEqualTo(2);

    SecretSettings rotated = new SecretSettings(store.settings(), k2);
    assertThat(rotated.checkReadable()).isEqualTo(2);
    assertThat(rotated.get("smtp.password")).contains("hunter2");
    assertThat(rotated.get("webhook")).contains("https://example.test/hook");
    assertThatThrownBy(old::checkReadable).isInstanceOf(SecretException.class);
    assertThat(store.settings().get("respond.dry_run")).contains("true");
    // run again (an interrupted rotation finishes): values already under the new key are kept
    assertThat(SecretSettings.rotate(store.settings(), k1, k2)).isEqualTo(2);
    assertThat(rotated.get("smtp.password")).contains("hunter2");
  }

  @Test
  void aSecretTheOldKeyCannotOpenStopsTheRotationBeforeAnythingIsWritten() {
    new SecretSettings(store.settings(), k1).put("a", "one");
    SecretBox k3 = new SecretBox(EncryptionKey.generate());
    new SecretSettings(store.settings(), k3).put("b", "two");
    String a = store.settings().get("secret.a").orElseThrow();

    assertThatThrownBy(() -> SecretSettings.rotate(store.settings(), k1, k2)).isInstanceOf(SecretException.class)
        .hasMessageContaining("'secret.b'").hasMessageContaining("nothing was changed");
    assertThat(store.settings().get("secret.a")).contains(a);
  }
}
