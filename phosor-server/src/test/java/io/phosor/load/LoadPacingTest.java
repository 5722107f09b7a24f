package io.phosor.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing of {@link LoadTool} on a fake nanosecond clock: parking advances it, so nothing waits. */
class LoadPacingTest {
  private final ManualClock wall = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private long now = 1_000_000_000L;
  private long parked;
  private final LoadTool tool = new LoadTool(wall, () -> now, nanos -> {
    now += nanos;
    parked += nanos;
  });
  private final List<Long> sendTimes = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();
  private final Transport recorder = new Transport() {
    @Override
    public boolean send(List<SampleEvent> batch) {
      sendTimes.add(now);
      batchSizes.add(batch.size());
      return true;
    }

    @Override
    public void close() {}
  };

  @Test
  void batchesLeaveOnScheduleAtTheChosenRate() {
    LoadOptions o = LoadOptions.of(LoadOptions.Protocol.UDP, "localhost", 5140).withRate(1_000).withCount(100)
        .withBatchSize(10);

    LoadReport report = tool.drive(o, recorder, new Tally());

    assertThat(sendTimes).containsExactly(ms(0), ms(10), ms(20), ms(30), ms(40), ms(50), ms(60), ms(70), ms(80),
        ms(90));
    assertThat(report.sent()).isEqualTo(100);
    assertThat(report.elapsed()).isEqualTo(Duration.ofMillis(90));
  }

  @Test
  void aDurationStopsTheRunAtTheDeadline() {
    LoadOptions o = LoadOptions.of(LoadOptions.Protocol.UDP, "localhost", 5140).withRate(1_000)
        .withDuration(Duration.ofSeconds(1)).withCount(0).withBatchSize(100);

    LoadReport report = tool.drive(o, recorder, new Tally());

    assertThat(report.sent()).isEqualTo(1_000);
    assertThat(sendTimes).hasSize(10).last().isEqualTo(ms(900));
    assertThat(report.elapsed()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theLastBatchIsCutToTheCount() {
    LoadOptions o = LoadOptions.of(LoadOptions.Protocol.UDP, "localhost", 5140).withCount(25).withBatchSize(10);
    tool.drive(o, recorder, new Tally());
    assertThat(batchSizes).containsExactly(10, 10, 5);
  }

  @Test
  void rateZeroSendsWithoutEverParking() {
    LoadOptions o = LoadOptions.of(LoadOptions.Protocol.UDP, "localhost", 5140).withRate(0).withCount(10_000);
    LoadReport report = tool.drive(o, recorder, new Tally());
    assertThat(report.sent()).isEqualTo(10_000);
    assertThat(parked).isZero();
  }

  @Test
  void aSenderThatFellBehindCatchesUpWithoutParking() {
    LoadOptions o = LoadOptions.of(LoadOptions.Protocol.UDP, "localhost", 5140).withRate(1_000).withCount(30)
        .withBatchSize(10);
    Transport slow = new Transport() {
      @Override
      public boolean send(List<SampleEvent> batch) {
        sendTimes.add(now);
        now += 50_000_000L; // each batch takes 50 ms, five times its budget
        return true;
      }

      @Override
      public void close() {}
    };
    tool.drive(o, slow, new Tally());
    assertThat(parked).isZero();
    assertThat(sendTimes).containsExactly(ms(0), ms(50), ms(100));
  }

  @Test
  void aTransportThatCannotReachTheTargetEndsTheRun() {
    LoadOptions o = LoadOptions.of(LoadOptions.Protocol.TCP, "localhost", 5140)
        .withDuration(Duration.ofHours(1)).withCount(0).withBatchSize(10);
    Transport unreachable = new Transport() {
      @Override
      public boolean send(List<SampleEvent> batch) {
        return false;
      }

      @Override
      public void close() {}
    };
    assertThat(tool.drive(o, unreachable, new Tally()).sent()).isEqualTo(10);
  }

  private static long ms(long millis) {
    return 1_000_000_000L + millis * 1_000_000L;
  }
}
