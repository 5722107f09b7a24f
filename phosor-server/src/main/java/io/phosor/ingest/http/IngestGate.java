package io.phosor.ingest.http;

import io.phosor.pipeline.Ack;
import io.phosor.pipeline.Inbound;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.Decision;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.stats.SourceCounters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The common path of every HTTP ingestion route: rate limit, queue, and wait until the journal has
 * the events, so that a success answer means the events are durable. Refusals come back as
 * {@link Refusal}s that each route renders in its own format (JSON error or HEC answer).
 */
final class IngestGate {
  /** How long a request waits for the journal before answering 503; the journal syncs in milliseconds. */
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

  /** Why a batch was not accepted, with the HTTP status and Retry-After seconds (0 = none). */
  record Refusal(int status, String code, String message, long retryAfterSeconds) {}

  /** Outcome: either the last journal sequence number, or a refusal. */
  record Result(long lastSeq, Refusal refusal) {}

  private final Pipeline pipeline;
  private final ReputationLimiter limiter;

  IngestGate(Pipeline pipeline, ReputationLimiter limiter) {
    this.pipeline = pipeline;
    this.limiter = limiter;
  }

  Result ingest(String rateKey, SourceCounters counters, List<Inbound> batch, long nowMillis) {
    int n = batch.size();
    counters.received(n, nowMillis);
    if (n == 0) {
      return new Result(0, null);
    }
    Decision d = limiter.tryAcquire(rateKey, n);
    if (!d.allowed()) {
      counters.rateLimited(n);
      long secs = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
      return new Result(0, new Refusal(429, "rate_limited",
          "source " + rateKey + " is sending too fast; retry after " + secs + " s", secs));
    }
    Ack ack = pipeline.submit(batch);
    if (ack == null) {
      counters.refusedBusy(n);
      String stalled = pipeline.stalled();
      if (stalled != null) {
        return new Result(0, new Refusal(503, "ingestion_paused", "ingestion is paused (" + stalled
            + "); nothing was accepted, retry later", 5));
      }
      return new Result(0, new Refusal(503, "busy", pipeline.accepting()
          ? "ingest queue is full; retry shortly" : "server is shutting down", 1));
    }
    try {
      long last = ack.future().get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(last, null);
    } catch (TimeoutException e) {
      return new Result(0, new Refusal(503, "journal_timeout",
          "events were queued but not confirmed durable in time; retrying may duplicate them", 5));
    } catch (ExecutionException e) {
      return new Result(0, new Refusal(503, "journal_unavailable",
          "the journal could not store the events (" + e.getCause().getClass().getSimpleName() + ")", 5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(0, new Refusal(503, "interrupted", "server is shutting down", 1));
    }
  }
}
