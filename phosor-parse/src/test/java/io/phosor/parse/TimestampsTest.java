package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  @Test
  void localTimesInARegionZoneAgreeWithJavaTimeOutsideDstTransitions() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    ZoneId zone = ZoneId.of("America/New_York");
    for (int i = 0; i < 20_000; i++) {
      LocalDateTime t = LocalDateTime.of(1990 + r.nextInt(50), 1 + r.nextInt(12), 1 + r.nextInt(28),
          r.nextInt(24), r.nextInt(60), r.nextInt(60));
      if (zone.getRules().getValidOffsets(t).size() != 1) {
        continue; // gap or overlap: either reading is acceptable
      }
      long ours = Timestamps.localToEpoch(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
          t.getMinute(), t.getSecond(), zone);
      assertThat(ours).as("seed %d, %s", seed, t).isEqualTo(t.atZone(zone).toEpochSecond());
    }
  }

  @Test
  void yearOfMatchesJavaTime() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    ZoneId zone = ZoneId.of("Asia/Tokyo");
    for (int i = 0; i < 20_000; i++) {
      long epoch = (long) (r.nextDouble() * 4_000_000_000L);
      assertThat(Timestamps.yearOf(epoch, zone)).as("seed %d, %d", seed, epoch)
          .isEqualTo(Instant.ofEpochSecond(epoch).atZone(zone).getYear());
    }
  }

  @Test
  void lenientIsoAcceptsSpaceSeparatorAndCompactOffset() {
    Timestamps.Result r = new Timestamps.Result();
    String s = "2020-03-23 06:47:42.801612-0700  localhost";
    int end = Timestamps.iso(s, 0, ZoneId.of("UTC"), r);
    assertThat(end).isEqualTo(31);
    assertThat(r.instant()).isEqualTo(Instant.parse("2020-03-23T13:47:42.801612Z"));
  }

  @Test
  void epochNumbersAreToldApartBySize() {
    assertThat(Timestamps.fromEpochNumber(1_700_000_000, false)).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    assertThat(Timestamps.fromEpochNumber(1_700_000_000_123d, false)).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
    assertThat(Timestamps.fromEpochNumber(1_700_000_000_123_456d, false))
        .isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 123_456_000));
  }

  @Test
  void strictRfc5424RejectsAnImpossibleDate() {
    Timestamps.Result r = new Timestamps.Result();
    try {
      Timestamps.rfc5424("2018-02-29T22:14:16+01:00", 0, r);
      throw new AssertionError("accepted");
    } catch (SyslogFormatException e) {
      assertThat(e.problem()).contains("day out of range");
    }
  }
}
