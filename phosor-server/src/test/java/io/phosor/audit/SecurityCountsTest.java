package io.phosor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.redact.PiiType;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import io.phosor.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityCountsTest {
  record Entry(String action, String target, String outcome, Map<String, Object> detail) {}

  final List<Entry> recorded = new ArrayList<>();
  final Audit audit = (actor, role, address, action, target, outcome, detail) ->
      recorded.add(new Entry(action, target, outcome, detail));
  final ManualClock clock = new ManualClock(AuditTrailTest.T0);
  final SourceStats stats = new SourceStats(new SimpleMeterRegistry());

  @Test
  void eachReportRecordsWhatEachSourceAddedSinceTheLastOne() {
    SecurityCounts counts = new SecurityCounts(stats, audit, clock);
    SourceCounters noisy = stats.source("syslog", "syslog:10.0.0.5");
    SourceCounters app = stats.source("webhook", "webhook:app");
    stats.source("webhook", "webhook:quiet").parsed();
    noisy.rateLimited(500);
    app.redacted(Map.of(PiiType.CREDIT_CARD, 2, PiiType.PASSWORD, 1));
    app.redacted(Map.of(PiiType.CREDIT_CARD, 1));

    clock.advance(Duration.ofMinutes(1));
    counts.report();
    assertThat(recorded).containsExactlyInAnyOrder(
        new Entry("rate_limit.blocked", "syslog:10.0.0.5", "blocked", Map.of("events", 500L, "since", "2026-03-01T10:00:00Z")),
        new Entry("pii.detected", "webhook:app", "redacted", Map.of("findings", 4L,
            "kinds", Map.of("credit_card", 3L, "password", 1L), "since", "2026-03-01T10:00:00Z")));

    recorded.clear();
    clock.advance(Duration.ofMinutes(1));
    counts.report();
    assertThat(recorded).isEmpty();

    noisy.rateLimited(7);
    app.redacted(Map.of(PiiType.PASSWORD, 2));
    clock.advance(Duration.ofMinutes(1));
    counts.report();
    assertThat(recorded).containsExactlyInAnyOrder(
        new Entry("rate_limit.blocked", "syslog:10.0.0.5", "blocked", Map.of("events", 7L, "since", "2026-03-01T10:02:00Z")),
        new Entry("pii.detected", "webhook:app", "redacted", Map.of("findings", 2L, "kinds", Map.of("password", 2L),
            "since", "2026-03-01T10:02:00Z")));
  }
}
