package io.phosor.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook requests with HMAC-SHA256 (RFC 2104 with SHA-256): the signed text is {@code "<timestamp>.<body>"},
 * where the timestamp (epoch seconds, from the injected clock) is sent as {@code X-Phosor-Timestamp}, so a receiver
 * can refuse a replayed request whose timestamp is old. The same scheme as Stripe's and Slack's request signing.
 */
final class Signer {
  static final String TIMESTAMP = "X-Phosor-Timestamp";
  static final String SIGNATURE = "X-Phosor-Signature";
  static final String DELIVERY = "X-Phosor-Delivery";

  private final SecretKeySpec key;
  private final Clock clock;

  Signer(String secret, Clock clock) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("webhooks are signed; PHOSOR_WEBHOOK_SECRET is not set");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  /** The timestamp and signature headers' values for a body. */
  record Signature(String timestamp, String signature) {}

  /** Signs {@code body} at the clock's current second. */
  Signature sign(String body) {
    String ts = Long.toString(clock.instant().getEpochSecond());
    return new Signature(ts, "sha256=" + hmacHex(key, ts + "." + body));
  }

  /** The lower-case hex HMAC-SHA256 of {@code text} under {@code key}. */
  static String hmacHex(SecretKeySpec key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  /** A header-safe delivery id: printable ASCII only, at most 200 characters. */
  static String deliveryId(String key) {
    if (key == null || key.isEmpty()) {
      return "phosor";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < key.length() && b.length() < 200; i++) {
      char c = key.charAt(i);
      b.append(c > 0x20 && c < 0x7f ? c : '_');
    }
    return b.toString();
  }
}
