package io.phosor.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  final EncryptionKey key = EncryptionKey.generate();
  final SecretBox box = new SecretBox(key);

  @Test
  void aSealedValueOpensForTheSamePurpose() {
    String sealed = box.seal("https://hooks.slack.com/services/T0/B0/XYZ", "setting:secret.slack");
    assertThat(sealed).startsWith("pse1:" + key.id() + ":").doesNotContain("hooks.slack.com");
    assertThat(box.open(sealed, "setting:secret.slack")).isEqualTo("https://hooks.slack.com/services/T0/B0/XYZ");
    assertThat(box.open(box.seal("", "p"), "p")).isEmpty();
  }

  @Test
  void everySealUsesAFreshNonce() {
    assertThat(box.seal("same", "p")).isNotEqualTo(box.seal("same", "p"));
  }

  @Test
  void aValueMovedToAnotherPurposeDoesNotOpen() {
    String sealed = box.seal("hunter2", "setting:secret.smtp.password");
    assertThatThrownBy(() -> box.open(sealed, "setting:secret.webhook"))
        .isInstanceOf(SecretException.class).hasMessageContaining("does not authenticate");
  }

  @Test
  void anotherKeyIsNamedByBothKeyIds() {
    String sealed = box.seal("hunter2", "p");
    SecretBox other = new SecretBox(EncryptionKey.generate());
    assertThatThrownBy(() -> other.open(sealed, "p")).isInstanceOf(SecretException.class)
        .hasMessage("it was encrypted under key id " + key.id() + ", but the key in use has id " + other.keyId());
  }

  @Test
  void anAlteredValueDoesNotOpen() {
    String sealed = box.seal("hunter2", "p");
    byte[] raw = Base64.getUrlDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1));
    raw[raw.length - 1] ^= 1;
    String altered = sealed.substring(0, sealed.lastIndexOf(':') + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertThatThrownBy(() -> box.open(altered, "p")).isInstanceOf(SecretException.class);
    assertThatThrownBy(() -> box.open("hunter2", "p")).isInstanceOf(SecretException.class).hasMessageContaining("not encrypted");
  }

  @Test
  void keysParseFromBase64AndABadKeyIsRefusedWithoutEchoingIt() {
    EncryptionKey k = EncryptionKey.parse(key.encoded());
    assertThat(k).isEqualTo(key);
    assertThat(k.id()).isEqualTo(key.id());
    assertThat(k.toString()).isEqualTo("EncryptionKey[id=" + key.id() + "]").doesNotContain(key.encoded());
    String short16 = Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> EncryptionKey.parse(short16)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decodes to 16 bytes").hasMessageNotContaining(short16);
    assertThatThrownBy(() -> EncryptionKey.parse("not base64 at all!")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phosor keygen").hasMessageNotContaining("not base64 at all!");
  }
}
