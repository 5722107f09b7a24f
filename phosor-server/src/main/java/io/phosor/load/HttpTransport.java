package io.phosor.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events over HTTP with {@link HttpClient}: NDJSON to the webhook ({@code Authorization: Bearer}) or
 * concatenated HEC event objects ({@code Authorization: Splunk}). At most {@code concurrency} requests are
 * in flight; every event of a request counts under the request's status (2xx accepted, 429/503 refused).
 */
final class HttpTransport implements Transport {
  private final HttpClient client;
  private final URI uri;
  private final boolean hec;
  private final String authorization;
  private final Duration timeout;
  private final Semaphore slots;
  private final int concurrency;
  private final Tally tally;
  /** Request id to its number of events, until the answer is counted (by the callback or by close). */
  private final ConcurrentHashMap<Long, Integer> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  HttpTransport(LoadOptions o, Tally tally) {
    this.hec = o.protocol() == LoadOptions.Protocol.HEC;
    this.uri = URI.create(o.target());
    this.authorization = o.token() == null ? null : (hec ? "Splunk " : "Bearer ") + o.token();
    this.timeout = o.timeout();
    this.concurrency = o.concurrency();
    this.slots = new Semaphore(concurrency);
    this.tally = tally;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(o.timeout()).build();
  }

  @Override
  public boolean send(List<SampleEvent> batch) throws InterruptedException {
    StringBuilder body = new StringBuilder(batch.size() * 320);
    for (SampleEvent e : batch) {
      if (hec) {
        body.append(e.hec()); // HEC accepts event objects back to back, no separator needed
      } else {
        body.append(e.json()).append('\n');
      }
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", hec ? "application/json" : "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    int events = batch.size();
    long id = ids.incrementAndGet();
    slots.acquire();
    inFlight.put(id, events);
    client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
      try {
        if (inFlight.remove(id) == null) {
          return; // close() gave up on this request and counted it already
        }
        if (error != null) {
          tally.failed(events, error.getCause() != null ? error.getCause() : error);
        } else {
          tally.status(response.statusCode(), events);
        }
      } finally {
        slots.release();
      }
    });
    return true;
  }

  @Override
  public void close() {
    try {
      // every request has its own timeout, so in-flight answers arrive (or fail) within it
      if (!slots.tryAcquire(concurrency, timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
        for (Long id : inFlight.keySet()) {
          Integer events = inFlight.remove(id);
          if (events != null) {
            tally.failed(events, new IllegalStateException("no answer within " + timeout));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      client.shutdownNow();
    }
  }
}
