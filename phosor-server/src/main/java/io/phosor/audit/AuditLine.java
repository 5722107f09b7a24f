package io.phosor.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain's line format. A line is one JSON object whose last member is {@code "hash"}:
 * <pre>{"seq":1,"ts":"...",...,"prev":"&lt;64 hex&gt;","hash":"&lt;64 hex&gt;"}</pre>
 * Its canonical form is the line without that member ({@code ...,"prev":"..."}}), byte for byte as
 * written, and {@code hash = hex(SHA-256(prev || canonical))} over the UTF-8 bytes. The first entry's
 * {@code prev} is 64 zeros. Hashing the bytes as written (not a re-serialization) lets any tool check
 * the chain: cut the last 75 bytes, append {@code }}, hash.
 */
final class AuditLine {
  /** The {@code prev} of the first entry. */
  static final String GENESIS = "0".repeat(64);
  /** {@code ,"hash":"} + 64 hex digits + {@code "}}: the fixed-length end of every line. */
  static final int SUFFIX_BYTES = 9 + 64 + 2;
  private static final byte[] SUFFIX_START = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);

  private AuditLine() {}

  /** The line for {@code canonical} (a JSON object ending in {@code "prev":"..."}}) with its hash. */
  static String line(String canonical, String hash) {
    return canonical.substring(0, canonical.length() - 1) + ",\"hash\":\"" + hash + "\"}";
  }

  /** {@code hex(SHA-256(prev || canonical))}. */
  static String hash(String prev, byte[] canonical) {
    MessageDigest md = sha256();
    md.update(prev.getBytes(StandardCharsets.US_ASCII));
    md.update(canonical);
    return HexFormat.of().formatHex(md.digest());
  }

  /** The canonical bytes of a line (without its newline), or null when it does not end in a hash member. */
  static byte[] canonical(byte[] line, int length) {
    if (hashOf(line, length) == null) {
      return null;
    }
    int n = length - SUFFIX_BYTES;
    byte[] out = new byte[n + 1];
    System.arraycopy(line, 0, out, 0, n);
    out[n] = '}';
    return out;
  }

  /** The hash a line carries (lower-case hex), or null when it does not end in a well-formed hash member. */
  static String hashOf(byte[] line, int length) {
    if (length < SUFFIX_BYTES + 2 || line[length - 1] != '}' || line[length - 2] != '"') {
      return null;
    }
    int start = length - SUFFIX_BYTES;
    for (int i = 0; i < SUFFIX_START.length; i++) {
      if (line[start + i] != SUFFIX_START[i]) {
        return null;
      }
    }
    int h = start + SUFFIX_START.length;
    for (int i = h; i < h + 64; i++) {
      byte b = line[i];
      if (!((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f'))) {
        return null;
      }
    }
    return new String(line, h, 64, StandardCharsets.US_ASCII);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
