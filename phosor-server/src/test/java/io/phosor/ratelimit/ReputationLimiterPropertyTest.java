package io.phosor.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeded random traffic against the invariants of a token bucket that only ever shrinks with reputation. */
class ReputationLimiterPropertyTest {
  private static final double RATE = 1_000;
  private static final double BURST = 2_000;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 20260101})
  void noSourceEverGetsMoreThanItsBurstPlusItsRateAndReputationStaysInRange(long seed) {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    ReputationLimiter limiter = new ReputationLimiter(RATE, BURST, clock);
    SplittableRandom random = new SplittableRandom(seed);
    String[] keys = {"a", "b", "c"};
    long[] allowed = new long[keys.length];
    long[] refused = new long[keys.length];
    long elapsedMillis = 0;
    for (int step = 0; step < 200_000; step++) {
      int k = random.nextInt(keys.length);
      int events = 1 + random.nextInt(k == 0 ? 400 : 20); // "a" is greedy, the others are modest
      Decision d = limiter.tryAcquire(keys[k], events);
      if (d.allowed()) {
        allowed[k] += events;
        assertThat(d.retryAfter()).isZero();
      } else {
        refused[k] += events;
        assertThat(d.retryAfter()).as("seed %d step %d", seed, step)
            .isPositive().isLessThanOrEqualTo(Duration.ofHours(1));
      }
      int ms = random.nextInt(10) == 0 ? random.nextInt(5_000) : random.nextInt(20);
      clock.advance(Duration.ofMillis(ms));
      elapsedMillis += ms;
    }
    for (int k = 0; k < keys.length; k++) {
      SourceReputation r = limiter.reputation(keys[k]);
      assertThat(allowed[k]).as("seed %d key %s", seed, keys[k]).isLessThanOrEqualTo(
          (long) (BURST + RATE * elapsedMillis / 1000.0));
      assertThat(r.reputation()).isBetween(0, 100);
      assertThat(r.refused()).as("seed %d key %s", seed, keys[k]).isEqualTo(refused[k]);
    }
    assertThat(limiter.refusedTotal()).isEqualTo(refused[0] + refused[1] + refused[2]);
    assertThat(limiter.reputation("a").violations()).as("the greedy source is caught").isPositive();
  }
}
