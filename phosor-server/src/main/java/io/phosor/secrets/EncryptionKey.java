package io.phosor.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256 key for secrets at rest ({@code PHOSOR_ENCRYPTION_KEY}: 32 random bytes in base64). It is
 * named in messages only by its {@link #id()}; {@link #toString()} never shows the key.
 */
public final class EncryptionKey {
  /** AES-256. */
  static final int BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;
  private final String id;

  private EncryptionKey(byte[] bytes) {
    this.bytes = bytes;
    this.id = idOf(bytes);
  }

  /**
   * Parses a base64 (standard or URL-safe) key of exactly 32 bytes. The message of the exception never
   * contains the value: it may be a real key with a typo.
   */
  public static EncryptionKey parse(String base64) {
    String v = base64 == null ? "" : base64.trim();
    byte[] b;
    try {
      b = (v.indexOf('-') >= 0 || v.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be 32 random bytes in base64 (generate one with 'phosor keygen'); "
          + "the value given is not valid base64");
    }
    if (b.length != BYTES) {
      int n = b.length;
      Arrays.fill(b, (byte) 0);
      throw new IllegalArgumentException("must be 32 random bytes in base64 (generate one with 'phosor keygen'); "
          + "the value given decodes to " + n + " bytes");
    }
    return new EncryptionKey(b);
  }

  /** A new random key. */
  public static EncryptionKey generate() {
    byte[] b = new byte[BYTES];
    RANDOM.nextBytes(b);
    return new EncryptionKey(b);
  }

  /** The key in base64, as {@code PHOSOR_ENCRYPTION_KEY} takes it (for {@code phosor keygen} only: never log it). */
  public String encoded() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * A short public name for the key: 8 hex digits of SHA-256 over a label and the key. Stored with every
   * encrypted value, so a wrong key is told apart from a damaged value; it reveals nothing usable about the key.
   */
  public String id() {
    return id;
  }

  SecretKey secretKey() {
    return new SecretKeySpec(bytes, "AES");
  }

  private static String idOf(byte[] key) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update("phosor key id\0".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(md.digest(key), 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Same key bytes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionKey k && MessageDigest.isEqual(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** Names the key by its id only. */
  @Override
  public String toString() {
    return "EncryptionKey[id=" + id + "]";
  }
}
