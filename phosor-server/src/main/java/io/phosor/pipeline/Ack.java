package io.phosor.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Completion of a submitted batch: done when every event of the batch is durable in the journal (with
 * the sequence number of the last one), or failed when the journal could not take them.
 */
public final class Ack {
  private final AtomicInteger remaining;
  private final CompletableFuture<Long> future = new CompletableFuture<>();

  Ack(int events) {
    this.remaining = new AtomicInteger(events);
    if (events == 0) {
      future.complete(0L);
    }
  }

  /** Completes with the last sequence number once all events are journaled. */
  public CompletableFuture<Long> future() {
    return future;
  }

  void journaled(int n, long lastSeq) {
    if (remaining.addAndGet(-n) == 0) {
      future.complete(lastSeq);
    }
  }

  void failed(Throwable t) {
    future.completeExceptionally(t);
  }
}
