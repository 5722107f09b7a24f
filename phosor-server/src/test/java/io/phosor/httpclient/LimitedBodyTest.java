package io.phosor.httpclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The size cap on answers from outgoing integrations. */
class LimitedBodyTest {
  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void keepsTheFirstBytesAndCancelsTheRest() throws Exception {
    LimitedBody b = new LimitedBody(10);
    AtomicBoolean cancelled = new AtomicBoolean();
    b.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {
        cancelled.set(true);
      }
    });
    b.onNext(List.of(bytes("0123456"), bytes("789abcdef")));
    assertThat(cancelled).isTrue();
    assertThat(b.getBody().toCompletableFuture().get()).isEqualTo("0123456789");
  }

  @Test
  void aShortAnswerIsKeptWhole() throws Exception {
    LimitedBody b = new LimitedBody(100);
    b.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {
        throw new AssertionError("must not cancel");
      }
    });
    b.onNext(List.of(bytes("{\"ok\":true}")));
    b.onComplete();
    assertThat(b.getBody().toCompletableFuture().get()).isEqualTo("{\"ok\":true}");
  }
}
