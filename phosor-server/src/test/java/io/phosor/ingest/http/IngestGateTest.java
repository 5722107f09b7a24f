package io.phosor.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import io.phosor.journal.Journal;
import io.phosor.parse.EventParser;
import io.phosor.pipeline.Inbound;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.redact.Redactor;
import io.phosor.stats.SourceCounters;
import io.phosor.stats.SourceStats;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestGateTest {
  @TempDir
  Path dir;

  @Test
  void aFullQueueRefusesTheWholeBatchWith503AndCountsIt() throws Exception {
    PhosorConfig config = ConfigLoader.load(null, Map.of("PHOSOR_QUEUE_CAPACITY", "16"));
    var registry = new SimpleMeterRegistry();
    SourceStats stats = new SourceStats(registry);
    try (Journal journal = Journal.open(dir, 1 << 20)) {
      // Not started: nothing drains the queue.
      Pipeline p = new Pipeline(config, new EventParser(Clock.systemUTC()), new Redactor(Redactor.defaults()),
          journal, stats, registry, Clock.systemUTC());
      IngestGate gate = new IngestGate(p, new ReputationLimiter(0, 0, Clock.systemUTC()));
      SourceCounters c = stats.source("webhook", "webhook:t");
      List<Inbound> ten = java.util.stream.IntStream.range(0, 10)
          .mapToObj(i -> Inbound.text("webhook:t", null, c, "m" + i, Instant.EPOCH)).toList();
      assertThat(p.submit(ten)).isNotNull();
      IngestGate.Result r = gate.ingest("webhook:t", c, ten, 0);
      assertThat(r.refusal()).isNotNull();
      assertThat(r.refusal().status()).isEqualTo(503);
      assertThat(r.refusal().retryAfterSeconds()).isPositive();
      assertThat(c.refusedBusyCount()).isEqualTo(10);
      assertThat(p.depth()).isEqualTo(10);
    }
  }
}
