package io.phosor.httpclient;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An HTTP client body subscriber that keeps the first {@code max} bytes of an answer (as UTF-8 text) and then stops
 * reading (the connection is closed), so a hostile or broken endpoint cannot make Phosor buffer an endless answer.
 * Used by the outgoing integrations (notifications, forwarding): {@code client.sendAsync(request, info -> new
 * LimitedBody(max))}.
 */
public final class LimitedBody implements HttpResponse.BodySubscriber<String> {
  private final int max;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<String> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  /** Keeps at most {@code max} bytes. */
  public LimitedBody(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0");
    }
    this.max = max;
  }

  @Override
  public CompletionStage<String> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int take = Math.min(b.remaining(), max - out.size());
      if (take > 0) {
        byte[] chunk = new byte[take];
        b.get(chunk);
        out.write(chunk, 0, take);
      }
    }
    if (out.size() >= max && !result.isDone()) {
      subscription.cancel();
      result.complete(out.toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(out.toString(StandardCharsets.UTF_8));
  }
}
