package io.phosor.detect;

import io.phosor.event.Event;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The detection engine: runs the loaded rules over events, one at a time, in the order given, and
 * hands alerts to a sink. A pure library: no I/O, no threads of its own, time from the injected clock
 * (ingest-time rules and timers) and from the events (event-time windows). Not thread-safe: one thread
 * owns an engine. The server, {@code phosor replay}, rule tests and backfill all run this class.
 *
 * <p>Event time: the watermark is the highest event time seen minus {@link EngineConfig#lateTolerance()}.
 * An event older than the watermark is late: it is counted, still matched by stateless rules (pattern,
 * time_of_day), and ignored by stateful ones. See docs/rules.md for the full semantics.
 */
public final class Engine {
  private final EngineConfig config;
  private final Clock clock;
  private final long toleranceMs;
  private final AlertOut out = new AlertOut();
  private RuleSet set;
  private long events;
  private long lateEvents;
  private long retiredEvictions;
  private boolean seen;
  private long maxEventTime = Long.MIN_VALUE;
  private long maxIngestTime = Long.MIN_VALUE;

  /** Creates an engine with no rules. */
  public Engine(EngineConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.toleranceMs = config.lateTolerance().toMillis();
    this.set = new RuleSet(List.of(), r -> new Detector.State(), config);
  }

  /**
   * Replaces the rule set (compiling every rule first, so a bad rule leaves the old set running). State
   * of rules whose id and definition are unchanged is kept; removed or changed rules lose theirs.
   *
   * @throws RuleException naming the first rule that does not compile, or a duplicate id
   */
  public void setRules(List<Rule> rules) {
    Set<String> ids = new HashSet<>();
    for (Rule r : rules) {
      if (!ids.add(r.id())) {
        throw new RuleException(r.name(), "duplicate rule id \"" + r.id() + "\"");
      }
    }
    Map<String, Detector> old = new HashMap<>();
    for (Detector d : set.detectors) {
      old.put(d.rule.id(), d);
    }
    Set<String> kept = new HashSet<>();
    RuleSet next = new RuleSet(rules, r -> {
      Detector d = old.get(r.id());
      if (d != null && d.rule.equals(r)) {
        kept.add(r.id());
        return d.state;
      }
      return new Detector.State();
    }, config);
    for (Detector d : set.detectors) {
      if (!kept.contains(d.rule.id())) {
        retiredEvictions += d.state.evictions.value;
      }
    }
    set = next;
  }

  /** The rules in force. */
  public List<Rule> rules() {
    return set.rules;
  }

  /**
   * The longest window of the running rules (thresholds, correlations, value counts, absence waits, Sigma
   * timespans), or zero when none keeps windows: how much history a restarted engine needs to replay to see
   * every window it had open.
   */
  public java.time.Duration longestWindow() {
    java.time.Duration max = java.time.Duration.ZERO;
    for (Detector d : set.detectors) {
      java.time.Duration w = switch (d.rule.spec()) {
        case Rule.Threshold t -> t.window();
        case Rule.Correlation c -> c.within();
        case Rule.ValueCount v -> v.window();
        case Rule.Absence a -> a.within();
        case Rule.Aggregate a -> a.window();
        default -> java.time.Duration.ZERO;
      };
      if (w.compareTo(max) > 0) {
        max = w;
      }
    }
    return max;
  }

  /** Runs every enabled rule over one event. */
  public void process(Event event, AlertSink sink) {
    out.sink = sink;
    events++;
    long ev = event.timestamp().toEpochMilli();
    long in = event.ingested().toEpochMilli();
    boolean late = seen && ev < maxEventTime - toleranceMs;
    if (late) {
      lateEvents++;
    }
    if (!seen || ev > maxEventTime) {
      maxEventTime = ev;
    }
    seen = true;
    if (in > maxIngestTime) {
      maxIngestTime = in;
    }
    RuleSet s = set;
    s.view.reset(event);
    s.run(ev, in, late, out);
    s.view.clear();
    for (Detector d : s.timed) {
      d.fireDue(d.eventTime ? watermarkMs() : maxIngestTime, out);
    }
  }

  /**
   * Lets time pass without an event: fires what is due by now (absence rules whose wait ran out by the
   * current watermark or, for ingest-time rules, the clock) and expires idle state. The server calls it
   * about once a second; replay calls it after the last event via {@link #finish(AlertSink)}.
   */
  public void advance(AlertSink sink) {
    out.sink = sink;
    long now = clock.instant().toEpochMilli();
    for (Detector d : set.detectors) {
      if (d.eventTime && !seen) {
        continue;
      }
      long t = d.eventTime ? watermarkMs() : Math.max(now, maxIngestTime);
      d.fireDue(t, out);
      d.expire(t);
    }
  }

  /** End of input (replay, backfill, tests): fires every timer whose deadline the last event time has passed. */
  public void finish(AlertSink sink) {
    out.sink = sink;
    long now = clock.instant().toEpochMilli();
    for (Detector d : set.timed) {
      if (d.eventTime && !seen) {
        continue;
      }
      d.fireDue(d.eventTime ? maxEventTime : Math.max(now, maxIngestTime), out);
    }
  }

  /** Counters since start. */
  public EngineStats stats() {
    long evictions = retiredEvictions;
    long groups = 0;
    for (Detector d : set.detectors) {
      evictions += d.state.evictions.value;
      groups += d.groups();
    }
    return new EngineStats(events, out.alerts, out.suppressed, lateEvents, evictions, groups, Map.copyOf(out.perRule));
  }

  /** The current watermark (highest event time seen minus the late tolerance), or null before the first event. */
  public Instant watermark() {
    return seen ? Instant.ofEpochMilli(watermarkMs()) : null;
  }

  private long watermarkMs() {
    return maxEventTime - toleranceMs;
  }

  /**
   * The new-value baselines (rule id -> group key -> values seen, with the group's first-seen time) as
   * plain JSON-ready maps, so the caller can persist them; the engine itself does no I/O. Shape:
   * {@code {"<rule id>": {"group_by": [..], "groups": [{"key": {field: value}, "first_seen": "<ISO-8601>",
   * "values": [..]}]}}}.
   */
  public Map<String, Object> exportBaselines() {
    Map<String, Object> all = new LinkedHashMap<>();
    for (Detector d : set.detectors) {
      if (!(d instanceof NewValueDetector)) {
        continue;
      }
      List<Object> groups = new ArrayList<>();
      for (Map.Entry<Object, Object> e : d.state.groups.entrySet()) {
        NewValueDetector.Baseline b = (NewValueDetector.Baseline) e.getValue();
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("key", new LinkedHashMap<>(d.keyMap(e.getKey())));
        g.put("first_seen", Instant.ofEpochMilli(b.first).toString());
        g.put("values", new ArrayList<>(b.values.keySet()));
        groups.add(g);
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("group_by", new ArrayList<>(d.rule.groupBy()));
      r.put("groups", groups);
      all.put(d.rule.id(), r);
    }
    return all;
  }

  /**
   * Restores baselines written by {@link #exportBaselines()} (for rules that exist; others are ignored).
   * Merges with what the engine has learned: values are added, the earlier first-seen time wins. A rule
   * whose group_by changed since the export is skipped (its keys would mean something else).
   *
   * @throws IllegalArgumentException when the map is not in the exported shape
   */
  public void importBaselines(Map<String, Object> baselines) {
    for (Detector d : set.detectors) {
      if (!(d instanceof NewValueDetector) || !baselines.containsKey(d.rule.id())) {
        continue;
      }
      String id = d.rule.id();
      Map<?, ?> r = asMap(baselines.get(id), id);
      if (!d.rule.groupBy().equals(r.get("group_by") == null ? List.of() : r.get("group_by"))) {
        continue;
      }
      Object groups = r.get("groups");
      if (!(groups instanceof List<?> list)) {
        throw new IllegalArgumentException("baselines for rule " + id + ": \"groups\" must be a list");
      }
      for (Object o : list) {
        Map<?, ?> g = asMap(o, id);
        Map<?, ?> key = g.get("key") == null ? Map.of() : asMap(g.get("key"), id);
        String[] parts = new String[d.rule.groupBy().size()];
        for (int i = 0; i < parts.length; i++) {
          Object v = key.get(d.rule.groupBy().get(i));
          if (v == null) {
            throw new IllegalArgumentException("baselines for rule " + id + ": a key lacks " + d.rule.groupBy().get(i));
          }
          parts[i] = v.toString();
        }
        long first = parseTime(g.get("first_seen"), id);
        Object k = GroupKey.fromParts(parts);
        NewValueDetector.Baseline b = (NewValueDetector.Baseline) d.state.groups.get(k);
        if (b == null) {
          b = new NewValueDetector.Baseline(first);
          d.state.groups.put(k, b);
        } else {
          b.first = Math.min(b.first, first);
        }
        if (g.get("values") instanceof List<?> values) {
          for (Object v : values) {
            if (v != null) {
              b.values.putIfAbsent(v.toString(), Boolean.TRUE);
            }
          }
        }
      }
    }
  }

  private static Map<?, ?> asMap(Object o, String id) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException("baselines for rule " + id + ": expected an object, got " + o);
  }

  private static long parseTime(Object o, String id) {
    try {
      if (o instanceof Number n) {
        return n.longValue();
      }
      return Instant.parse(String.valueOf(o)).toEpochMilli();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("baselines for rule " + id + ": bad first_seen " + o);
    }
  }

  /** The limits and tolerance this engine runs with. */
  public EngineConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  RuleSet ruleSet() {
    return set;
  }
}
