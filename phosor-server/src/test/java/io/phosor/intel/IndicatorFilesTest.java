package io.phosor.intel;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Indicator files kept loaded: reload on change at the reload interval of the clock; a bad file keeps its last good version. */
class IndicatorFilesTest {
  @TempDir
  Path dir;
  final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T00:00:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final long[] scratch = new long[2];

  IndicatorFiles files(long maxBytes, int perFile, int total) {
    return new IndicatorFiles(dir, Duration.ofSeconds(10), registry, clock, maxBytes, perFile, total);
  }

  boolean listed(IndicatorFiles f, String ip) {
    return f.index().first(ip, clock.millis(), scratch) != null;
  }

  double errors() {
    return registry.get("phosor_intel_file_errors").counter().count();
  }

  @Test
  void aChangedFileIsReloadedAtTheNextIntervalOfTheClock() throws Exception {
    Files.writeString(dir.resolve("drop.txt"), "198.51.100.0/24\n");
    IndicatorFiles f = files(1 << 20, 1000, 1000);
    f.scan();
    assertThat(listed(f, "198.51.100.7")).isTrue();
    f.poll(); // first poll: due at once, sets the next check 10 s later

    Files.writeString(dir.resolve("drop.txt"), "203.0.113.0/24\n# moved\n");
    clock.advance(Duration.ofSeconds(9));
    f.poll();
    assertThat(listed(f, "203.0.113.7")).as("not yet: the interval has not passed").isFalse();

    clock.advance(Duration.ofSeconds(1));
    f.poll();
    assertThat(listed(f, "203.0.113.7")).isTrue();
    assertThat(listed(f, "198.51.100.7")).isFalse();
    assertThat(f.lastReload()).isEqualTo(clock.instant());

    Files.writeString(dir.resolve("extra.csv"), "ip,description\n192.0.2.5,new file\n");
    clock.advance(Duration.ofSeconds(10));
    f.poll();
    assertThat(f.index().first("192.0.2.5", clock.millis(), scratch).description()).isEqualTo("new file");

    Files.delete(dir.resolve("drop.txt"));
    clock.advance(Duration.ofSeconds(10));
    f.poll();
    assertThat(listed(f, "203.0.113.7")).as("a deleted file's entries go").isFalse();
    assertThat(f.status()).extracting(m -> m.get("file")).containsExactly("extra.csv");
  }

  @Test
  void aFileThatFailsKeepsItsPreviousGoodVersionIsCountedAndReportedWhileOthersLoad() throws Exception {
    Files.writeString(dir.resolve("a.txt"), "198.51.100.1\n");
    Files.writeString(dir.resolve("b.netset"), "203.0.113.1\n");
    Files.writeString(dir.resolve("notes.md"), "not an indicator file\n");
    IndicatorFiles f = files(1 << 20, 1000, 1000);
    f.scan();
    assertThat(f.problem()).isNull();

    Files.writeString(dir.resolve("a.txt"), "198.51.100.1\n198.51.100.2\nhalf-writ");
    Files.writeString(dir.resolve("b.netset"), "203.0.113.1\n203.0.113.2\n");
    f.scan();

    assertThat(listed(f, "198.51.100.1")).as("previous good version of a.txt").isTrue();
    assertThat(listed(f, "198.51.100.2")).as("nothing of the bad version").isFalse();
    assertThat(listed(f, "203.0.113.2")).as("the other file loads").isTrue();
    assertThat(errors()).isEqualTo(1.0);
    assertThat(f.problem()).isEqualTo("a.txt line 3: 'half-writ' is not an IPv4 or IPv6 address or CIDR block");
    Map<String, Object> a = f.status().get(0);
    assertThat(a).containsEntry("file", "a.txt").containsEntry("entries", 1).containsEntry("error_line", 3L)
        .containsEntry("in_use", true);

    f.scan();
    assertThat(errors()).as("the same bad version is not read (nor counted) again").isEqualTo(1.0);

    Files.writeString(dir.resolve("a.txt"), "198.51.100.1\n198.51.100.2\n");
    f.scan();
    assertThat(listed(f, "198.51.100.2")).isTrue();
    assertThat(f.problem()).isNull();
  }

  @Test
  void filesOverTheSizeOrEntryLimitsAreRefusedWithAClearError() throws Exception {
    Files.writeString(dir.resolve("big.txt"), "198.51.100.1\n".repeat(200));
    Files.writeString(dir.resolve("many.txt"), "203.0.113.1\n203.0.113.2\n203.0.113.3\n203.0.113.4\n");
    Files.writeString(dir.resolve("ok.txt"), "192.0.2.1\n192.0.2.2\n");
    IndicatorFiles f = files(1000, 3, 1000);
    f.scan();

    assertThat(f.status()).filteredOn(m -> m.get("file").equals("big.txt")).singleElement()
        .satisfies(m -> assertThat((String) m.get("error")).contains("more than the 1000 bytes limit")
            .contains("2600 bytes"));
    assertThat(f.status()).filteredOn(m -> m.get("file").equals("many.txt")).singleElement()
        .satisfies(m -> assertThat((String) m.get("error")).contains("line 4: more than 3 entries in one file"));
    assertThat(listed(f, "192.0.2.2")).isTrue();
    assertThat(errors()).isEqualTo(2.0);

    IndicatorFiles small = files(1 << 20, 10, 5);
    small.scan();
    assertThat(small.status()).filteredOn(m -> m.get("file").equals("ok.txt")).singleElement()
        .satisfies(m -> assertThat((String) m.get("error")).contains("more than 5 address blocks (the limit)"));
  }
}
