package io.phosor.notify;

import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import io.phosor.respond.Notifier;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The generic webhook: POSTs the notice as JSON, signed with HMAC-SHA256 ({@link Signer}), with the dedup key as
 * {@code X-Phosor-Delivery} so that the receiver can drop a retried delivery it already handled.
 */
final class WebhookNotifier implements Notifier {
  private final URI url;
  private final Signer signer;
  private final Http http;

  WebhookNotifier(URI url, String secret, Duration timeout, Clock clock) {
    this.url = url;
    this.signer = new Signer(secret, clock);
    List<String> secrets = new ArrayList<>(Http.secretsOf(url));
    secrets.add(secret);
    this.http = new Http(timeout, "webhook", secrets);
  }

  @Override
  public String channel() {
    return "webhook";
  }

  @Override
  public String send(Notice notice) throws ActionFailure {
    String body = Http.json(NoticeJson.of(notice));
    Http.Answer a = http.send(signedPost(http, url, signer, body, notice.dedupKey()));
    return "webhook: HTTP " + a.status();
  }

  /** A signed JSON POST (shared with the disable-account webhook). */
  static HttpRequest signedPost(Http http, URI url, Signer signer, String body, String deliveryKey) {
    Signer.Signature s = signer.sign(body);
    return http.request(url)
        .header("Content-Type", "application/json")
        .header(Signer.TIMESTAMP, s.timestamp())
        .header(Signer.SIGNATURE, s.signature())
        .header(Signer.DELIVERY, Signer.deliveryId(deliveryKey))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
