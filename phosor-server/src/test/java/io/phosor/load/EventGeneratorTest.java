package io.phosor.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T09:03:07.123456789Z"));

  @Test
  void theSameSeedGivesTheSameEvents() {
    EventGenerator a = new EventGenerator(42, clock, "run1");
    EventGenerator b = new EventGenerator(42, clock, "run1");
    for (int i = 1; i <= 100; i++) {
      assertThat(a.next(i).syslogLine()).isEqualTo(b.next(i).syslogLine());
    }
  }

  @Test
  void aMarkerCarriesItsMillisecondSendTimeAsItsEventTimeInEveryWireForm() throws Exception {
    EventGenerator g = new EventGenerator(7, clock, "run1");
    SampleEvent m = g.next(1000, true);
    assertThat(m.sentMillis()).isEqualTo(1767603787123L);
    assertThat(m.syslogLine()).isEqualTo("<14>1 2026-01-05T09:03:07.123Z " + m.host()
        + " phosor-load - - - phosor-load-marker run=run1 seq=1000 sent_ns=1767603787123000000");
    JsonNode json = new ObjectMapper().readTree(m.json());
    assertThat(json.get("@timestamp").asText()).isEqualTo("2026-01-05T09:03:07.123Z");
    assertThat(json.get("message").asText()).startsWith("phosor-load-marker run=run1 seq=1000");
    JsonNode hec = new ObjectMapper().readTree(m.hec());
    assertThat(hec.get("time").decimalValue()).isEqualByComparingTo("1767603787.123");
    assertThat(hec.get("event").get("@timestamp").asText()).isEqualTo("2026-01-05T09:03:07.123Z");
    assertThat(g.next(1001).syslogLine()).doesNotContain("phosor-load-marker").startsWith("<").contains(">Jan  5 ");
    assertThat(LoadOptions.of(LoadOptions.Protocol.TCP, "h", 1).withMarkerEvery(3).isMarker(6)).isTrue();
    assertThat(LoadOptions.of(LoadOptions.Protocol.TCP, "h", 1).withMarkerEvery(3).isMarker(7)).isFalse();
    assertThat(LoadOptions.of(LoadOptions.Protocol.TCP, "h", 1).isMarker(1000)).isFalse();
  }

  @Test
  void latencyPercentilesAreNearestRankToTheMillisecond() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.percentile(0.5)).isEqualTo(-1);
    for (int i = 1; i <= 100; i++) {
      h.record(i);
    }
    h.record(-5);
    h.record(120_000);
    assertThat(h.count()).isEqualTo(102);
    assertThat(h.negative()).isEqualTo(1);
    assertThat(h.percentile(0.5)).isEqualTo(50);
    assertThat(h.percentile(0.99)).isEqualTo(100);
    assertThat(h.percentile(1.0)).isEqualTo(120_000);
    assertThat(h.max()).isEqualTo(120_000);
  }

  @Test
  void theMixHasSshdSudoAndNginxLinesInRfc3164Form() {
    EventGenerator g = new EventGenerator(7, clock, "run1");
    Set<String> programs = new HashSet<>();
    for (int i = 1; i <= 500; i++) {
      SampleEvent e = g.next(i);
      programs.add(e.program());
      assertThat(e.syslogLine()).startsWith("<" + e.pri() + ">Jan  5 09:03:07 " + e.host() + " " + e.program())
          .endsWith(" run=run1 seq=" + i + " sent_ns=1767603787123456789");
    }
    assertThat(programs).containsExactlyInAnyOrder("sshd", "sudo", "nginx");
  }

  @Test
  void hecTimeIsEpochSecondsWithMillisecondsAndEventsAreValidJson() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    EventGenerator g = new EventGenerator(3, clock, "run1");
    for (int i = 1; i <= 200; i++) { // nginx lines carry quotes: the JSON must escape them
      SampleEvent e = g.next(i);
      JsonNode hec = mapper.readTree(e.hec());
      assertThat(hec.get("time").decimalValue().toPlainString()).isEqualTo("1767603787.123");
      assertThat(hec.get("event")).isEqualTo(mapper.readTree(e.json()));
      assertThat(hec.get("event").get("message").asText()).isEqualTo(e.text());
    }
    clock.advance(Duration.ofMillis(-120)); // .003 s: zero padding
    assertThat(mapper.readTree(g.next(1).hec()).get("time").decimalValue().toPlainString())
        .isEqualTo("1767603787.003");
  }

  @Test
  void jsonEscapesControlCharactersQuotesAndBackslashes() throws Exception {
    String nasty = "a\"b\\c\nd\u0001e";
    String quoted = Json.quote(new StringBuilder(), nasty).toString();
    assertThat(new ObjectMapper().readTree(quoted).asText()).isEqualTo(nasty);
  }

  @Test
  void optionsRejectNonsenseWithActionableMessages() {
    LoadOptions ok = LoadOptions.of(LoadOptions.Protocol.HTTP, "localhost", 8000);
    assertThatThrownBy(() -> ok.withCount(0)).hasMessageContaining("give a count or a duration");
    assertThatThrownBy(() -> ok.withBatchSize(0)).hasMessageContaining("batch size must be 1-100000, was 0");
    assertThatThrownBy(() -> ok.withRate(-5)).hasMessageContaining("rate must be >= 0");
    assertThatThrownBy(() -> ok.withSource("../etc")).hasMessageContaining("source must be");
    assertThatThrownBy(() -> LoadOptions.of(LoadOptions.Protocol.UDP, "localhost", 0))
        .hasMessageContaining("port must be 1-65535, was 0");
    assertThat(ok.withSource("fw").target()).isEqualTo("http://localhost:8000/api/webhook/fw");
    assertThat(LoadOptions.of(LoadOptions.Protocol.HEC, "::1", 8088).target())
        .isEqualTo("http://[::1]:8088/services/collector/event");
  }
}
