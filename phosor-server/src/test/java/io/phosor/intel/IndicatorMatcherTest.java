package io.phosor.intel;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.event.Event;
import io.phosor.testkit.ManualClock;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ingest hook: tags events from listed addresses, leaves others alone, allocates nothing when nothing matches. */
class IndicatorMatcherTest {
  final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T00:00:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  IndicatorMatcher matcher() {
    FileEntries f = new FileEntries("drop.txt", "list", 100_000);
    int plain = f.indicator(Indicator.listed("drop.txt", null));
    int sbl = f.indicator(Indicator.listed("drop.txt", "SBL256894"));
    f.add(Ip.parseBlock("1.10.16.0/20"), sbl);
    f.add(Ip.parseBlock("2001:db8:bad::/48"), plain);
    for (int i = 0; i < 50_000; i++) {
      f.add(new Ip.Block(false, 0, 0x2d000000L + i * 7L, 32), plain); // 45.0.0.0 onwards, spread out
    }
    IndicatorIndex idx = IndicatorIndex.build(List.of(f));
    return new IndicatorMatcher(() -> idx, clock, registry);
  }

  static Event event(String sourceIp, String destinationIp) {
    Event e = new Event("syslog", "127.0.0.1", Instant.parse("2026-06-01T00:00:00Z"), "x");
    e.put("source.ip", sourceIp);
    e.put("destination.ip", destinationIp);
    return e;
  }

  @Test
  void aListedSourceAddressIsTaggedWithTheFileTheDescriptionAndTheField() {
    Event e = event("1.10.20.30", "10.0.0.1");
    matcher().enrich(e);
    assertThat(e.getString("threat.indicator.ip")).isEqualTo("1.10.20.30");
    assertThat(e.getString("threat.indicator.source")).isEqualTo("drop.txt");
    assertThat(e.getString("threat.indicator.description")).isEqualTo("SBL256894");
    assertThat(e.getString("threat.indicator.matched_field")).isEqualTo("source.ip");
    assertThat(registry.get("phosor_intel_event_matches").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aListedDestinationIsTaggedWhenTheSourceIsNot() {
    Event e = event("10.0.0.5", "2001:db8:bad::66");
    matcher().enrich(e);
    assertThat(e.getString("threat.indicator.ip")).isEqualTo("2001:db8:bad::66");
    assertThat(e.getString("threat.indicator.matched_field")).isEqualTo("destination.ip");
    assertThat(e.get("threat.indicator.description")).as("the list gives none").isNull();
  }

  @Test
  void eventsWithoutAListedAddressAreLeftAloneAndCostNoAllocation() {
    IndicatorMatcher m = matcher();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      events.add(event("203.0.113." + (i % 250), "2001:db8:1::" + Integer.toHexString(i)));
    }
    events.add(event(null, null));
    events.add(event("not an address", "[INTERNAL-IP-REDACTED]"));
    for (int round = 0; round < 50; round++) { // let the JIT compile the path
      for (Event e : events) {
        m.enrich(e);
      }
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    for (int round = 0; round < 100; round++) {
      for (Event e : events) {
        m.enrich(e);
      }
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertThat(allocated).as("bytes allocated by 100,200 look-ups without a match").isLessThan(64 * 1024);
    assertThat(events).allSatisfy(e -> assertThat(e.get("threat.indicator.ip")).isNull());
  }
}
