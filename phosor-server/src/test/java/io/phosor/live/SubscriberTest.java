package io.phosor.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubscriberTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HeldOutlet outlet = new HeldOutlet();
  private Subscriber subscriber;

  /** An outlet whose writes finish only when the test releases them, like a client that reads when told. */
  static final class HeldOutlet implements Outlet {
    final LinkedBlockingQueue<CompletableFuture<Void>> pending = new LinkedBlockingQueue<>();
    final List<String> written = new CopyOnWriteArrayList<>();
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicInteger maxOutstanding = new AtomicInteger();
    volatile boolean open = true;

    @Override
    public CompletableFuture<Void> send(String text) {
      maxOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
      CompletableFuture<Void> f = new CompletableFuture<>();
      f.whenComplete((v, e) -> {
        outstanding.decrementAndGet();
        written.add(text);
      });
      pending.add(f);
      return f;
    }

    @Override
    public CompletableFuture<Void> ping() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close(int code, String reason) {
      open = false;
    }

    @Override
    public void disconnect() {
      open = false;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    /** Lets the oldest outstanding write finish. */
    void releaseOne() throws InterruptedException {
      CompletableFuture<Void> f = pending.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(f).as("a write to release").isNotNull();
      f.complete(null);
    }
  }

  private Subscriber start(int capacity) {
    subscriber = new Subscriber("c1", "127.0.0.1", "admin-token", outlet, capacity, Duration.ofHours(1), clock);
    subscriber.start();
    return subscriber;
  }

  @AfterEach
  void stop() {
    if (subscriber != null) {
      subscriber.stop();
    }
  }

  @Test
  void offersNeverWaitForAClientThatDoesNotReadAndKeepOnlyTheNewestMessages() throws Exception {
    Subscriber s = start(4);
    s.offer("m0");
    await().until(() -> outlet.pending.size() == 1); // its write is outstanding: the client reads nothing
    int dropped = 0;
    for (int i = 1; i < 10_000; i++) {
      dropped += s.offer("m" + i);
    }
    assertThat(s.buffered()).isEqualTo(4);
    assertThat(dropped).isEqualTo(s.dropped()).isEqualTo(10_000 - 1 - 4);

    for (int i = 0; i < 6; i++) {
      outlet.releaseOne();
    }
    await().until(() -> outlet.written.size() == 6);
    assertThat(outlet.written.get(1)).as("the client is told how many it lost before the next message")
        .isEqualTo("{\"type\":\"dropped\",\"count\":" + s.dropped() + ",\"total\":" + s.dropped() + "}");
    assertThat(outlet.written.subList(2, 6)).containsExactly("m9996", "m9997", "m9998", "m9999");
    assertThat(outlet.maxOutstanding.get()).as("at most one write outstanding").isEqualTo(1);
  }

  @Test
  void aClientThatLosesTooManyMessagesInARowIsTooSlow() {
    Subscriber s = start(2);
    s.offer("m0");
    await().until(() -> outlet.pending.size() == 1);
    for (int i = 1; i < 102; i++) {
      s.offer("m" + i);
    }
    long now = clock.millis();
    assertThat(s.tooSlow(now, Duration.ofHours(1), s.dropped() + 1)).isNull();
    assertThat(s.tooSlow(now, Duration.ofHours(1), s.dropped())).contains("dropped in a row");
  }

  @Test
  void aWriteThatGoesThroughResetsTheDropsInARow() throws Exception {
    Subscriber s = start(2);
    s.offer("m0");
    await().until(() -> outlet.pending.size() == 1);
    for (int i = 1; i < 50; i++) {
      s.offer("m" + i);
    }
    outlet.releaseOne();
    await().until(() -> outlet.written.size() == 1);
    outlet.releaseOne(); // the 'dropped' notice
    await().until(() -> outlet.written.size() == 2);
    assertThat(s.tooSlow(clock.millis(), Duration.ofHours(1), 10)).isNull();
  }

  @Test
  void aClientBehindForLongerThanTheLagLimitIsTooSlowUntilItCatchesUp() throws Exception {
    Subscriber s = start(2);
    s.offer("m0");
    await().until(() -> outlet.pending.size() == 1);
    for (int i = 1; i < 5; i++) {
      s.offer("m" + i);
    }
    clock.advance(Duration.ofSeconds(10));
    assertThat(s.tooSlow(clock.millis(), Duration.ofSeconds(10), Long.MAX_VALUE)).isNull();
    clock.advance(Duration.ofSeconds(1));
    assertThat(s.tooSlow(clock.millis(), Duration.ofSeconds(10), Long.MAX_VALUE)).startsWith("too slow: behind for 11s");

    // it reads everything: no longer behind
    await().until(() -> {
      CompletableFuture<Void> f = outlet.pending.poll();
      if (f != null) {
        f.complete(null);
      }
      return !(Boolean) s.describe(clock.millis()).get("behind");
    });
    assertThat(s.tooSlow(clock.millis(), Duration.ofSeconds(10), Long.MAX_VALUE)).isNull();
  }

  @Test
  void aStoppedClientTakesNoMoreMessages() {
    Subscriber s = start(2);
    s.stop();
    assertThat(s.offer("late")).isZero();
    assertThat(s.buffered()).isZero();
  }

  @Test
  void subscriptionsChooseTopics() {
    Subscriber s = start(2);
    assertThat(Topic.values()).allMatch(s::wants);
    s.subscribe(Topic.ALERT.bit() | Topic.STATS.bit());
    assertThat(s.wants(Topic.ALERT)).isTrue();
    assertThat(s.wants(Topic.EVENT)).isFalse();
    assertThat(Topic.names(s.topics())).containsExactly("alert", "stats");
  }
}
