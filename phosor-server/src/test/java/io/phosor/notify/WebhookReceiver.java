package io.phosor.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What a webhook receiver does to check a request came from Phosor (the example in docs/integrations.md). */
final class WebhookReceiver {
  private WebhookReceiver() {}

  /** True when the signature matches and the timestamp is within 5 minutes of {@code now}. */
  static boolean verify(String secret, String timestamp, String signature, String body, Instant now) throws Exception {
    if (timestamp == null || signature == null || Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) > 300) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = ("sha256=" + HexFormat.of().formatHex(
        mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)))).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8));
  }

  static boolean verify(String secret, RecordingServer.Request r, Instant now) throws Exception {
    return verify(secret, r.header("X-Phosor-Timestamp"), r.header("X-Phosor-Signature"), r.body(), now);
  }
}
