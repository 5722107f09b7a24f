package io.phosor.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.detect.Alert;
import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.detect.Rule;
import io.phosor.event.Event;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Converts Sigma text, runs the rules in a real engine over events, collects the alerts. */
final class Harness {
  static final Instant BASE = Instant.parse("2026-11-21T10:00:00Z");
  final List<SigmaRules.Report> reports;
  final Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.fixed(BASE, ZoneOffset.UTC));
  final List<Alert> alerts = new ArrayList<>();
  private long seq;

  Harness(String... yaml) {
    List<SigmaRules.Source> src = new ArrayList<>();
    for (String y : yaml) {
      src.add(new SigmaRules.Source("test.yml", y));
    }
    reports = SigmaRules.convert(src, SigmaMapping.defaults());
    List<Rule> rules = new ArrayList<>();
    for (SigmaRules.Report r : reports) {
      if (r.supported()) {
        rules.add(r.rule());
      }
    }
    engine.setRules(rules);
  }

  /** Asserts that every document converted. */
  Harness allSupported() {
    for (SigmaRules.Report r : reports) {
      assertThat(r.supported()).as(r.line()).isTrue();
    }
    return this;
  }

  /** The report of the document titled {@code title}. */
  SigmaRules.Report report(String title) {
    return reports.stream().filter(r -> r.title().equals(title)).findFirst().orElseThrow();
  }

  /** Feeds an event at BASE + seconds with field name/value pairs. */
  Harness at(double seconds, Object... kv) {
    Instant t = BASE.plusMillis(Math.round(seconds * 1000));
    Event e = new Event("test", null, t, "");
    e.timestamp(t);
    e.seq(++seq);
    for (int i = 0; i < kv.length; i += 2) {
      e.put((String) kv[i], kv[i + 1]);
    }
    engine.process(e, alerts::add);
    return this;
  }

  /** Feeds a ready event. */
  Harness event(Event e) {
    e.seq(++seq);
    engine.process(e, alerts::add);
    return this;
  }

  Harness finish() {
    engine.finish(alerts::add);
    return this;
  }

  List<String> fired() {
    return alerts.stream().map(Alert::ruleName).toList();
  }
}
