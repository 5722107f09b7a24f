package io.phosor.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ReputationLimiterTest {
  /** Small numbers keep the arithmetic readable: 100 events/s, bucket of 200. */
  private static final double RATE = 100;
  private static final double BURST = 200;
  /** More than any bucket of this limiter can hold: always a violation when not blocked. */
  private static final int TOO_MANY = 10_000;

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ReputationLimiter limiter = new ReputationLimiter(RATE, BURST, clock);

  @Test
  void steadyTrafficAtTheRateIsNeverRefused() {
    for (int i = 0; i < 6_000; i++) { // ten minutes of 10 events every 100 ms = exactly 100/s
      assertThat(limiter.tryAcquire("10.0.0.1", 10).allowed()).as("request %d", i).isTrue();
      clock.advance(Duration.ofMillis(100));
    }
    SourceReputation r = limiter.reputation("10.0.0.1");
    assertThat(r.reputation()).isEqualTo(100);
    assertThat(r.violations()).isZero();
    assertThat(r.refused()).isZero();
    assertThat(r.blockedUntil()).isNull();
  }

  @Test
  void aFullBurstPassesButOneMoreEventIsRefusedAndBlocksForTwoSeconds() {
    assertThat(limiter.tryAcquire("10.0.0.1", 200).allowed()).isTrue();

    Decision d = limiter.tryAcquire("10.0.0.1", 1);

    assertThat(d.allowed()).isFalse();
    assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    clock.advance(Duration.ofMillis(1_999));
    assertThat(limiter.tryAcquire("10.0.0.1", 1).allowed()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire("10.0.0.1", 1).allowed()).isTrue();
  }

  @Test
  void repeatedViolationsBlockForTwoThenFourThenEightThenSixteenSeconds() {
    List<Duration> blocks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Decision d = limiter.tryAcquire("10.0.0.1", TOO_MANY);
      assertThat(d.allowed()).isFalse();
      blocks.add(d.retryAfter());
      clock.advance(d.retryAfter());
    }
    assertThat(blocks).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
        Duration.ofSeconds(16));
  }

  @Test
  void blocksAreCappedAtOneHour() {
    List<Long> seconds = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      Decision d = limiter.tryAcquire("10.0.0.1", TOO_MANY);
      seconds.add(d.retryAfter().toSeconds());
      clock.advance(d.retryAfter());
    }
    assertThat(seconds).containsExactly(2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 1024L, 2048L, 3600L, 3600L,
        3600L, 3600L);
  }

  @Test
  void aSourceIsRefusedWhileBlockedEvenForASingleEvent() {
    limiter.tryAcquire("10.0.0.1", TOO_MANY);
    clock.advance(Duration.ofSeconds(1));
    Decision d = limiter.tryAcquire("10.0.0.1", 1);
    assertThat(d.allowed()).isFalse();
    assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(limiter.reputation("10.0.0.1").violations()).as("refusals while blocked are not new violations")
        .isEqualTo(1);
  }

  @Test
  void eachViolationCostsTenPointsOfReputationAndLowersTheAllowedRate() {
    violate("10.0.0.1", 1);
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(90);
    assertThat(limiter.reputation("10.0.0.1").allowedPerSecond()).isEqualTo(90.0);
    violate("10.0.0.1", 4);
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(50);
    assertThat(limiter.reputation("10.0.0.1").allowedPerSecond()).isEqualTo(50.0);
    violate("10.0.0.1", 6);
    assertThat(limiter.reputation("10.0.0.1").reputation()).isZero();
    assertThat(limiter.reputation("10.0.0.1").allowedPerSecond()).as("the 10 %% floor").isEqualTo(10.0);
  }

  @Test
  void aSourceAtReputationFiftyGetsHalfTheBucket() {
    violate("10.0.0.1", 5);
    clock.advance(Duration.ofSeconds(9)); // enough to refill the bucket, not enough to earn a point back
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(50);

    assertThat(limiter.tryAcquire("10.0.0.1", 100).allowed()).isTrue();
    assertThat(limiter.tryAcquire("10.0.0.1", 1).allowed()).isFalse();
  }

  @Test
  void aSourceAtReputationFiftyCanSendHalfTheRateForever() {
    violate("10.0.0.1", 5);
    // Keep it at 50: this checks the bucket's refill rate, recovery is checked separately.
    long refused = 0;
    for (int i = 0; i < 100; i++) { // 10 s at 5 events per 100 ms = 50/s
      refused += limiter.tryAcquire("10.0.0.1", 5).allowed() ? 0 : 1;
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(refused).isZero();
  }

  @Test
  void cleanTimeAfterTheBlockEarnsOnePointEveryTenSeconds() {
    Decision d = limiter.tryAcquire("10.0.0.1", TOO_MANY);
    clock.advance(d.retryAfter());
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(90);
    clock.advance(Duration.ofSeconds(10));
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(91);
    clock.advance(Duration.ofSeconds(55));
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(96);
    clock.advance(Duration.ofMinutes(10));
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(100);
    assertThat(limiter.reputation("10.0.0.1").allowedPerSecond()).isEqualTo(RATE);
  }

  @Test
  void reputationOnlyStartsToRecoverWhenTheBlockEnds() {
    violate("10.0.0.1", 3); // reputation 70
    limiter.tryAcquire("10.0.0.1", TOO_MANY); // reputation 60, blocked for 16 s
    clock.advance(Duration.ofSeconds(15));
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(60);
    clock.advance(Duration.ofSeconds(1 + 9));
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(60);
    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.reputation("10.0.0.1").reputation()).isEqualTo(61);
  }

  @Test
  void tenCleanMinutesResetTheBackoffToTwoSeconds() {
    violate("10.0.0.1", 3); // blocks of 2, 4, 8 s, each served
    clock.advance(Duration.ofMinutes(10));
    assertThat(limiter.tryAcquire("10.0.0.1", TOO_MANY).retryAfter()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void lessThanTenCleanMinutesKeepDoublingTheBlock() {
    violate("10.0.0.1", 3);
    clock.advance(Duration.ofMinutes(10).minusMillis(1));
    assertThat(limiter.tryAcquire("10.0.0.1", TOO_MANY).retryAfter()).isEqualTo(Duration.ofSeconds(16));
  }

  @Test
  void aFloodFromOneSourceDoesNotAffectAnother() {
    for (int i = 0; i < 1_000; i++) {
      limiter.tryAcquire("10.0.0.66", 50);
    }
    assertThat(limiter.reputation("10.0.0.66").blockedUntil()).isNotNull();

    assertThat(limiter.tryAcquire("10.0.0.2", 200).allowed()).isTrue();
    assertThat(limiter.reputation("10.0.0.2").reputation()).isEqualTo(100);
    assertThat(limiter.reputation("10.0.0.2").refused()).isZero();
  }

  @Test
  void refusedEventsAreCountedPerSource() {
    limiter.tryAcquire("10.0.0.1", 200);
    limiter.tryAcquire("10.0.0.1", 5); // the violation
    limiter.tryAcquire("10.0.0.1", 5); // blocked
    limiter.tryAcquire("10.0.0.1", 7); // blocked
    limiter.tryAcquire("10.0.0.2", 3); // allowed

    assertThat(limiter.reputation("10.0.0.1").refused()).isEqualTo(17);
    assertThat(limiter.reputation("10.0.0.2").refused()).isZero();
    assertThat(limiter.refusedTotal()).isEqualTo(17);
  }

  @Test
  void retryAfterIsTheRemainingBlockRoundedUpToWholeSecondsForHttp() {
    Decision first = limiter.tryAcquire("10.0.0.1", TOO_MANY);
    assertThat(first.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(first.retryAfterSeconds()).isEqualTo(2);

    clock.advance(Duration.ofMillis(500));
    Decision later = limiter.tryAcquire("10.0.0.1", 1);
    assertThat(later.retryAfter()).isEqualTo(Duration.ofMillis(1_500));
    assertThat(later.retryAfterSeconds()).isEqualTo(2);
    assertThat(limiter.reputation("10.0.0.1").blockedUntil()).isEqualTo(Instant.parse("2026-01-01T00:00:02Z"));

    clock.advance(Duration.ofMillis(1_499));
    assertThat(limiter.tryAcquire("10.0.0.1", 1).retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void aDisabledLimiterAllowsEverythingAndRemembersNothing() {
    ReputationLimiter off = new ReputationLimiter(0, 0, clock);
    for (int i = 0; i < 1_000; i++) {
      assertThat(off.tryAcquire("10.0.0.1", 1_000_000)).isSameAs(Decision.ALLOW);
    }
    assertThat(off.enabled()).isFalse();
    assertThat(off.reputation("10.0.0.1")).isNull();
    assertThat(off.snapshot()).isEmpty();
    assertThat(off.trackedSources()).isZero();
  }

  @Test
  void aSourceNeverSeenHasNoReputation() {
    assertThat(limiter.reputation("10.9.9.9")).isNull();
  }

  @Test
  void zeroEventsAreAllowedAndNegativeCountsAreRejected() {
    assertThat(limiter.tryAcquire("10.0.0.1", 0).allowed()).isTrue();
    assertThatThrownBy(() -> limiter.tryAcquire("10.0.0.1", -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void nonsenseSettingsAreRejectedWithTheSettingName() {
    assertThatThrownBy(() -> new ReputationLimiter(-1, 10, clock)).hasMessageContaining("rate_limit.per_second");
    assertThatThrownBy(() -> new ReputationLimiter(10, Double.NaN, clock)).hasMessageContaining("rate_limit.burst");
    assertThatThrownBy(() -> new ReputationLimiter(10, 10, clock, 0)).hasMessageContaining("maxKeys");
  }

  @Test
  void aBurstSettingBelowTheRateStillHoldsOneSecondOfTraffic() {
    ReputationLimiter noBurst = new ReputationLimiter(100, 0, clock);
    assertThat(noBurst.tryAcquire("10.0.0.1", 100).allowed()).isTrue();
    assertThat(noBurst.tryAcquire("10.0.0.1", 1).allowed()).isFalse();
  }

  @Test
  void theNumberOfRememberedSourcesStaysBoundedUnderAFloodOfSpoofedAddresses() {
    ReputationLimiter bounded = new ReputationLimiter(RATE, BURST, clock, 1_000);
    for (int i = 0; i < 20; i++) {
      bounded.tryAcquire("10.0.0.66", TOO_MANY); // a frequent, blocked sender
    }
    for (int i = 0; i < 200_000; i++) {
      bounded.tryAcquire("spoofed-" + i, 1);
      if (i % 100 == 0) {
        bounded.tryAcquire("10.0.0.66", 1);
      }
    }

    assertThat(bounded.trackedSources()).isLessThanOrEqualTo(1_000);
    assertThat(bounded.snapshot()).hasSizeLessThanOrEqualTo(1_000);
    assertThat(bounded.forgottenSources()).isGreaterThanOrEqualTo(200_000 + 1 - 1_000);
    assertThat(bounded.reputation("10.0.0.66")).as("the blocked sender survives the flood").isNotNull();
    assertThat(bounded.tryAcquire("10.0.0.66", 1).allowed()).isFalse();
  }

  @Test
  void whenTheTableIsFullSourcesInGoodStandingAreForgottenBeforeMisbehavingOnes() {
    ReputationLimiter bounded = new ReputationLimiter(RATE, BURST, clock, 10);
    for (int i = 0; i < 3; i++) {
      bounded.tryAcquire("bad-" + i, TOO_MANY);
    }
    for (int i = 0; i < 7; i++) {
      clock.advance(Duration.ofMillis(1));
      bounded.tryAcquire("good-" + i, 1);
    }
    bounded.tryAcquire("new", 1); // the table is full: a sweep forgets the oldest good one (down to 9), then "new" gets in

    assertThat(bounded.trackedSources()).isEqualTo(10);
    assertThat(bounded.snapshot()).extracting(SourceReputation::key).contains("bad-0", "bad-1", "bad-2", "new")
        .doesNotContain("good-0");
  }

  @Test
  void idleSourcesAreSweptOnceAMinuteWithoutHelp() {
    limiter.tryAcquire("10.0.0.1", 1);
    clock.advance(Duration.ofMinutes(61));
    limiter.tryAcquire("10.0.0.2", 1);
    assertThat(limiter.trackedSources()).isEqualTo(1);
    assertThat(limiter.forgottenSources()).isEqualTo(1);
  }

  @Test
  void anIdleSourceAtFullReputationIsForgottenAfterAnHour() {
    limiter.tryAcquire("10.0.0.1", 1);
    clock.advance(Duration.ofMinutes(59));
    limiter.cleanUp();
    assertThat(limiter.reputation("10.0.0.1")).isNotNull();

    clock.advance(Duration.ofMinutes(1).plusMillis(1));
    limiter.cleanUp();
    assertThat(limiter.reputation("10.0.0.1")).isNull();
    assertThat(limiter.trackedSources()).isZero();
  }

  @Test
  void anIdleSourceIsNotForgottenBeforeItHasServedItsBlockAndRecovered() {
    violate("10.0.0.66", 11);
    limiter.tryAcquire("10.0.0.66", TOO_MANY); // 12th violation: reputation 0, blocked for 1 h, then silence
    clock.advance(Duration.ofHours(1).plusSeconds(1));
    limiter.cleanUp();
    SourceReputation r = limiter.reputation("10.0.0.66");
    assertThat(r).isNotNull();
    assertThat(r.reputation()).isZero();

    clock.advance(Duration.ofSeconds(1_000)); // 100 points at 10 s a point
    limiter.cleanUp();
    assertThat(limiter.reputation("10.0.0.66")).isNull();
  }

  @Test
  void oneWarningIsLoggedPerBlockNeverPerEvent() {
    Logger logger = (Logger) LoggerFactory.getLogger("phosor.ratelimit");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      limiter.tryAcquire("127.0.0.1", 200);
      for (int i = 0; i < 1_000; i++) {
        limiter.tryAcquire("127.0.0.1", 1);
      }
      clock.advance(Duration.ofSeconds(2));
      limiter.tryAcquire("127.0.0.1", TOO_MANY);
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN);
    assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "[RATE_LIMIT] 127.0.0.1 exceeded limit: 201/100 (violations: 1, reputation: 90); blocked for 2s",
        "[RATE_LIMIT] 127.0.0.1 exceeded limit: 10000/90 (violations: 2, reputation: 80); blocked for 4s");
  }

  @Test
  void concurrentRequestsFromOneSourceNeverGetMoreThanTheBucket() throws InterruptedException {
    int threads = 4;
    AtomicLong allowed = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(Thread.ofPlatform().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < 10_000; i++) {
          if (limiter.tryAcquire("10.0.0.1", 1).allowed()) {
            allowed.incrementAndGet();
          }
        }
      }));
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    assertThat(allowed.get()).isEqualTo(200); // the clock does not move: exactly the bucket
    assertThat(limiter.reputation("10.0.0.1").refused()).isEqualTo(threads * 10_000L - 200);
    assertThat(limiter.reputation("10.0.0.1").violations()).isEqualTo(1);
  }

  @Test
  void sweepsRacingWithRequestsLoseNoBlockAndKeepTheBound() throws InterruptedException {
    ReputationLimiter bounded = new ReputationLimiter(RATE, BURST, clock, 500);
    bounded.tryAcquire("10.0.0.66", TOO_MANY);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      workers.add(Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < 20_000; i++) {
            bounded.tryAcquire("spoofed-" + id + "-" + i, 1);
            if (bounded.tryAcquire("10.0.0.66", 1).allowed()) {
              throw new AssertionError("the blocked source got through at " + i);
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(failures).isEmpty();
    assertThat(bounded.trackedSources()).as("at most a few over while sweeps race").isLessThanOrEqualTo(500 + 4);
    assertThat(bounded.reputation("10.0.0.66").refused()).isEqualTo(TOO_MANY + 4 * 20_000L);
  }

  @Test
  void theSnapshotListsTheWorstSourcesFirst() {
    limiter.tryAcquire("10.0.0.3", 1);
    violate("10.0.0.1", 3);
    violate("10.0.0.2", 1);
    assertThat(limiter.snapshot()).extracting(SourceReputation::key).containsExactly("10.0.0.1", "10.0.0.2",
        "10.0.0.3");
    assertThat(limiter.snapshot()).extracting(SourceReputation::reputation).containsExactly(70, 90, 100);
  }

  /** Makes {@code key} violate {@code times} times in a row, serving each block. */
  private void violate(String key, int times) {
    for (int i = 0; i < times; i++) {
      Decision d = limiter.tryAcquire(key, TOO_MANY);
      assertThat(d.allowed()).isFalse();
      clock.advance(d.retryAfter());
    }
  }
}
