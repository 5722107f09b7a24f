package io.phosor.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final LoginThrottle throttle = new LoginThrottle(clock);

  @Test
  void theFifthFailureOfAnAccountBlocksItForASecondAndEachNextOneDoubles() {
    for (int i = 1; i <= 4; i++) {
      throttle.failed("alice", "10.0.0." + i);
      assertThat(throttle.retryAfterSeconds("alice", "10.0.0.9")).as("after failure %d", i).isZero();
    }
    throttle.failed("alice", "10.0.0.5");
    assertThat(throttle.retryAfterSeconds("alice", "10.0.0.9")).isEqualTo(1);
    assertThat(throttle.retryAfterSeconds("ALICE ", "10.0.0.9")).as("names ignore case").isEqualTo(1);
    assertThat(throttle.retryAfterSeconds("bob", "10.0.0.9")).as("other accounts").isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.retryAfterSeconds("alice", "10.0.0.9")).isZero();
    throttle.failed("alice", "10.0.0.6");
    assertThat(throttle.retryAfterSeconds("alice", null)).isEqualTo(2);
    clock.advance(Duration.ofSeconds(2));
    throttle.failed("alice", "10.0.0.7");
    assertThat(throttle.retryAfterSeconds("alice", null)).isEqualTo(4);
  }

  @Test
  void theDelayIsCappedAtFifteenMinutes() {
    for (int i = 0; i < 40; i++) {
      throttle.failed("alice", null);
    }
    assertThat(throttle.retryAfterSeconds("alice", null)).isEqualTo(15 * 60);
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() {
    for (int i = 0; i < 4; i++) {
      throttle.failed("alice", null);
    }
    clock.advance(Duration.ofMinutes(16));
    throttle.failed("alice", null);
    assertThat(throttle.retryAfterSeconds("alice", null)).as("count restarted at 1").isZero();
  }

  @Test
  void failedLoginsFromTwoAddressesAreCountedSeparately() {
    for (int i = 0; i < 19; i++) {
      throttle.failed("user" + i, "203.0.113.7");
    }
    assertThat(throttle.retryAfterSeconds("someone", "203.0.113.7")).isZero();
    throttle.failed("user19", "203.0.113.7");
    assertThat(throttle.retryAfterSeconds("someone", "203.0.113.7")).as("a spray over many accounts").isEqualTo(1);
    assertThat(throttle.retryAfterSeconds("someone", "198.51.100.4")).isZero();
  }

  @Test
  void aSuccessfulLoginClearsTheAccountButNotTheAddress() {
    LoginThrottle t = new LoginThrottle(clock, LoginThrottle.ACCOUNT,
        new LoginThrottle.Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(15)), 1000);
    for (int i = 0; i < 5; i++) {
      t.failed("alice", "203.0.113.7");
    }
    t.succeeded("alice");
    assertThat(t.retryAfterSeconds("alice", "198.51.100.4")).isZero();
    assertThat(t.retryAfterSeconds("alice", "203.0.113.7")).isEqualTo(1);
  }

  @Test
  void stateIsBounded() {
    LoginThrottle t = new LoginThrottle(clock, LoginThrottle.ACCOUNT, LoginThrottle.ADDRESS, 100);
    for (int i = 0; i < 10_000; i++) {
      t.failed("user" + i, "10.0." + (i / 256) + "." + (i % 256));
    }
    assertThat(t.size()).isLessThanOrEqualTo(2 * 100);
  }
}
