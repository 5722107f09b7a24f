package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.testkit.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DateValuesTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T12:00:00Z"));

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void aDateNamesItsWholeUtcDay() {
    assertThat(DateValues.parse("2026-11-21", clock)).containsExactly(ms("2026-11-21T00:00:00Z"), ms("2026-11-22T00:00:00Z"));
  }

  @Test
  void aTimeNamesTheUnitItIsWrittenIn() {
    assertThat(DateValues.parse("2026-11-21T10:15", clock)).containsExactly(ms("2026-11-21T10:15:00Z"), ms("2026-11-21T10:16:00Z"));
    assertThat(DateValues.parse("2026-11-21T10:15:30Z", clock)).containsExactly(ms("2026-11-21T10:15:30Z"), ms("2026-11-21T10:15:31Z"));
    assertThat(DateValues.parse("2026-11-21T10:15:30.250Z", clock)).containsExactly(ms("2026-11-21T10:15:30.250Z"), ms("2026-11-21T10:15:30.251Z"));
    assertThat(DateValues.parse("2026-11-21T11:15:30+01:00", clock)).containsExactly(ms("2026-11-21T10:15:30Z"), ms("2026-11-21T10:15:31Z"));
    assertThat(DateValues.parse("2026-11-21T05:15:30-05:00", clock)).containsExactly(ms("2026-11-21T10:15:30Z"), ms("2026-11-21T10:15:31Z"));
  }

  @Test
  void nowAndOffsetsFromNowUseTheClock() {
    assertThat(DateValues.parse("now", clock)[0]).isEqualTo(ms("2026-11-21T12:00:00Z"));
    assertThat(DateValues.parse("now-15m", clock)[0]).isEqualTo(ms("2026-11-21T11:45:00Z"));
    assertThat(DateValues.parse("now-2h", clock)[0]).isEqualTo(ms("2026-11-21T10:00:00Z"));
    assertThat(DateValues.parse("now-1d", clock)[0]).isEqualTo(ms("2026-11-20T12:00:00Z"));
    assertThat(DateValues.parse("now+30s", clock)[0]).isEqualTo(ms("2026-11-21T12:00:30Z"));
  }

  @Test
  void epochMillisecondsAreAccepted() {
    assertThat(DateValues.parse("1795255200000", clock)).containsExactly(1795255200000L, 1795255200001L);
  }

  @Test
  void anythingElseIsNotADate() {
    for (String s : new String[] {"", "yesterday", "now-5w", "now-", "2026-13-01", "2026-11-21 10:00", "21/11/2026",
        "2026-11-21X10:00", "99999999999999999999"}) {
      assertThat(DateValues.parse(s, clock)).as(s).isNull();
    }
  }

  @Test
  void instantsBeyondEpochMillisecondsAreClamped() {
    assertThat(DateValues.millis(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
    assertThat(DateValues.millis(Instant.MIN)).isEqualTo(Long.MIN_VALUE);
    assertThat(DateValues.millis(Instant.parse("2026-11-21T10:15:30.250999Z"))).isEqualTo(ms("2026-11-21T10:15:30.250Z"));
  }
}
