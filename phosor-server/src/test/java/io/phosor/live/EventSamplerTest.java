package io.phosor.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventSamplerTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Integer> taken = new ArrayList<>();
  private final List<Long> skipped = new ArrayList<>();

  private void offer(EventSampler s, int from, int count) {
    s.sample(IntStream.range(from, from + count).boxed().toList(), (item, sk) -> {
      taken.add(item);
      skipped.add(sk);
    });
  }

  @Test
  void neverTakesMoreThanTheBudgetInOneSecond() {
    EventSampler s = new EventSampler(5, clock);
    offer(s, 0, 1000);
    offer(s, 1000, 1000);
    assertThat(taken).hasSize(5);
    clock.advance(Duration.ofSeconds(1));
    offer(s, 2000, 5000);
    assertThat(taken).hasSize(10);
  }

  @Test
  void spreadsTheSampleOverTheSecondByThePreviousSecondsRate() {
    EventSampler s = new EventSampler(10, clock);
    offer(s, 0, 1000);
    clock.advance(Duration.ofSeconds(1));
    taken.clear();
    offer(s, 1000, 1000);
    // last second saw 1000 events for a budget of 10: every 100th
    assertThat(taken).containsExactly(1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900);
  }

  @Test
  void aQuietStreamIsSentInFull() {
    EventSampler s = new EventSampler(10, clock);
    for (int i = 0; i < 5; i++) {
      offer(s, i * 3, 3);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(taken).hasSize(15);
    assertThat(skipped).containsOnly(0L);
  }

  @Test
  void eachTakenEventSaysHowManyWerePassedOverSinceThePreviousOne() {
    EventSampler s = new EventSampler(3, clock);
    offer(s, 0, 50);
    clock.advance(Duration.ofSeconds(1));
    offer(s, 50, 50);
    int last = taken.get(taken.size() - 1);
    long sumSkipped = skipped.stream().mapToLong(Long::longValue).sum();
    assertThat(sumSkipped + taken.size()).as("every event up to the last one taken is accounted for")
        .isEqualTo(last + 1);
    for (int i = 1; i < taken.size(); i++) {
      assertThat(skipped.get(i)).isEqualTo(taken.get(i) - taken.get(i - 1) - 1L);
    }
  }

  @Test
  void eventsNobodyWantedAreNotReportedAsSkippedToLaterClients() {
    EventSampler s = new EventSampler(2, clock);
    offer(s, 0, 10);
    s.pass(500);
    clock.advance(Duration.ofSeconds(1));
    skipped.clear();
    offer(s, 600, 1);
    assertThat(skipped).containsExactly(0L);
  }

  @Test
  void aGapLongerThanASecondStartsAgainAtFullRate() {
    EventSampler s = new EventSampler(2, clock);
    offer(s, 0, 1000);
    clock.advance(Duration.ofSeconds(5));
    taken.clear();
    offer(s, 1000, 2);
    assertThat(taken).containsExactly(1000, 1001);
  }
}
