package io.phosor.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts secrets at rest with AES-256-GCM (NIST SP 800-38D). A sealed value is text:
 * {@code pse1:<key id>:<base64url(nonce || ciphertext || tag)>} with a random 96-bit nonce per value and
 * the purpose (e.g. {@code setting:secret.smtp.password}) as additional authenticated data, so a value
 * copied to another purpose does not decrypt. Thread-safe.
 */
public final class SecretBox {
  /** Format marker: a later format gets a new prefix and old values stay readable. */
  static final String PREFIX = "pse1:";
  /** 96 bits: the nonce length GCM is specified for (SP 800-38D section 8.2); random per value. */
  static final int NONCE_BYTES = 12;
  /** Full-length 128-bit authentication tag. */
  static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EncryptionKey key;

  /** A box that seals and opens with {@code key}. */
  public SecretBox(EncryptionKey key) {
    this.key = Objects.requireNonNull(key, "key");
  }

  /** The key's public id. */
  public String keyId() {
    return key.id();
  }

  /** Encrypts {@code plaintext} for {@code purpose}; every call gives a different result. */
  public String seal(String plaintext, String purpose) {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(purpose, "purpose");
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + ct.length).put(nonce).put(ct);
      return PREFIX + key.id() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /**
   * Decrypts a value sealed for {@code purpose}.
   *
   * @throws SecretException when the value is not sealed, was sealed under another key (the message names
   *     both key ids), or was altered or sealed for another purpose
   */
  public String open(String sealed, String purpose) {
    String kid = keyIdOf(sealed);
    if (kid == null) {
      throw new SecretException("the value is not encrypted (expected " + PREFIX + "<key id>:...)");
    }
    if (!kid.equals(key.id())) {
      throw new SecretException("it was encrypted under key id " + kid + ", but the key in use has id " + key.id());
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length() + kid.length() + 1));
    } catch (IllegalArgumentException e) {
      throw new SecretException("the encrypted value is damaged (not base64)");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SecretException("the encrypted value is damaged (too short)");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
      byte[] pt = c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
      return new String(pt, StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SecretException("the value does not authenticate under key id " + key.id()
          + ": it was altered, stored for another purpose, or encrypted under a different key with the same id");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /** Whether {@code value} looks like a sealed value (any key). */
  public static boolean isSealed(String value) {
    return keyIdOf(value) != null;
  }

  /** The key id a sealed value names, or null when it is not a sealed value. */
  public static String keyIdOf(String value) {
    if (value == null || !value.startsWith(PREFIX)) {
      return null;
    }
    int colon = value.indexOf(':', PREFIX.length());
    if (colon <= PREFIX.length() || colon - PREFIX.length() > 16) {
      return null;
    }
    return value.substring(PREFIX.length(), colon);
  }
}
