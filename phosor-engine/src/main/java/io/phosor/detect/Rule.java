package io.phosor.detect;

import io.phosor.event.Severity;
import java.time.Duration;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated detection rule: a common header and a {@link Spec} for its type. Built by {@link RuleParser}
 * from the seeds' JSON or from YAML; the constructor rejects nonsense with a message naming the rule.
 *
 * @param id stable id (from the rule file, or derived from the name)
 * @param name human name, shown on alerts
 * @param description what it detects (may be empty)
 * @param severity severity of its alerts
 * @param enabled whether it runs
 * @param tags free tags (e.g. MITRE ATT&CK ids)
 * @param filter the events the rule looks at; for a pattern rule, the match itself
 * @param groupBy fields that form the group key; empty = one group for all events
 * @param suppress at most one alert per group key per this period ({@link Duration#ZERO}: none)
 * @param time whether windows run on event time (default) or ingest time
 * @param spec the type-specific part
 */
public record Rule(String id, String name, String description, Severity severity, boolean enabled, List<String> tags,
    Condition filter, List<String> groupBy, Duration suppress, TimeBasis time, Spec spec) {

  /** Checks the header; type-specific checks are in each {@link Spec}. */
  public Rule {
    Objects.requireNonNull(id, "id");
    if (name == null || name.isBlank()) {
      throw new RuleException(id, "name must not be empty");
    }
    Objects.requireNonNull(severity, "severity");
    tags = List.copyOf(tags);
    groupBy = List.copyOf(groupBy);
    Objects.requireNonNull(filter, "filter");
    if (suppress == null || suppress.isNegative()) {
      throw new RuleException(name, "suppress_seconds must be >= 0");
    }
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(spec, "spec");
  }

  /** The same rule, enabled or disabled. */
  public Rule withEnabled(boolean on) {
    return on == enabled ? this : new Rule(id, name, description, severity, on, tags, filter, groupBy, suppress, time,
        spec);
  }

  /** The rule's type name as written in rule files: pattern, threshold, correlation, ... */
  public String type() {
    return switch (spec) {
      case Pattern p -> "pattern";
      case Threshold t -> "threshold";
      case Correlation c -> "correlation";
      case ValueCount v -> "value_count";
      case Absence a -> "absence";
      case NewValue n -> "new_value";
      case TimeOfDay t -> "time_of_day";
      case Aggregate a -> a.kind().typeName();
    };
  }

  /** Which clock a rule's windows follow. */
  public enum TimeBasis {
    /** The time written in the event (default): replays and late deliveries give the same answers. */
    EVENT,
    /** The time Phosor received the event. */
    INGEST
  }

  /** The type-specific part of a rule. */
  public sealed interface Spec permits Pattern, Threshold, Correlation, ValueCount, Absence, NewValue, TimeOfDay,
      Aggregate {}

  /** Fires on every event that matches the filter. */
  public record Pattern() implements Spec {}

  /** Fires when {@code count} matching events of one group fall within a sliding {@code window}. */
  public record Threshold(int count, Duration window) implements Spec {
    /** Validates. */
    public Threshold {
      if (count < 1) {
        throw new IllegalArgumentException("count must be > 0, was " + count);
      }
      positive(window, "window_seconds");
    }
  }

  /**
   * Fires when events matching every step occur in one group within {@code within}; with
   * {@code ordered}, in the order of the steps.
   */
  public record Correlation(List<Condition> steps, Duration within, boolean ordered) implements Spec {
    /** Validates. */
    public Correlation {
      steps = List.copyOf(steps);
      if (steps.size() < 2) {
        throw new IllegalArgumentException("a correlation needs at least 2 conditions, had " + steps.size());
      }
      positive(within, "within_seconds");
    }
  }

  /** Fires when one group shows {@code distinct} different values of {@code field} within {@code window}. */
  public record ValueCount(String field, int distinct, Duration window) implements Spec {
    /** Validates. */
    public ValueCount {
      Objects.requireNonNull(field, "field");
      if (distinct < 2) {
        throw new IllegalArgumentException("distinct must be >= 2, was " + distinct);
      }
      positive(window, "window_seconds");
    }
  }

  /** Fires when an event matching the filter is not followed by one matching {@code expected} within {@code within}. */
  public record Absence(Condition expected, Duration within) implements Spec {
    /** Validates. */
    public Absence {
      Objects.requireNonNull(expected, "expected");
      positive(within, "within_seconds");
    }
  }

  /**
   * Fires the first time a value of {@code field} is seen for a group (the entity, e.g. user.name), once the
   * group has been known for {@code learning} (values seen while learning only build the baseline).
   */
  public record NewValue(String field, Duration learning) implements Spec {
    /** Validates. */
    public NewValue {
      Objects.requireNonNull(field, "field");
      if (learning == null || learning.isNegative()) {
        throw new IllegalArgumentException("learning_seconds must be >= 0");
      }
    }
  }

  /**
   * Fires on matching events whose time, in {@code zone}, falls in [{@code start}, {@code end}) (wrapping
   * midnight when end <= start) on one of {@code days}.
   */
  public record TimeOfDay(LocalTime start, LocalTime end, Set<DayOfWeek> days, ZoneId zone) implements Spec {
    /** Validates. */
    public TimeOfDay {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      days = Set.copyOf(days);
      if (days.isEmpty()) {
        throw new IllegalArgumentException("days must name at least one weekday");
      }
      Objects.requireNonNull(zone, "zone");
    }
  }

  /**
   * A correlation over the events of several inputs in the manner of the Sigma correlation specification
   * v2.1: event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile. Each
   * input has its own group-by fields (Sigma's aliases), so the rule's {@code group_by} holds the group
   * names shown on alerts and {@link Input#groupFields()} says where each input finds them. An input is
   * either the events matching a condition or the alerts of another rule (a correlation of correlations);
   * a referenced rule that is disabled still runs, silently, for its consumers. See docs/sigma.md for the
   * window semantics.
   *
   * @param kind what is measured
   * @param inputs the inputs, in the order of the rule (the order matters for temporal_ordered)
   * @param window the timespan
   * @param condition the bounds the measure must satisfy; null for temporal_ordered, and for temporal
   *     meaning "every input"
   */
  public record Aggregate(Kind kind, List<Input> inputs, Duration window, Bounds condition)
      implements Spec {
    /** Validates. */
    public Aggregate {
      Objects.requireNonNull(kind, "kind");
      inputs = List.copyOf(inputs);
      if (inputs.isEmpty()) {
        throw new IllegalArgumentException("a correlation needs at least one input rule");
      }
      positive(window, "timespan");
      if (kind == Kind.TEMPORAL_ORDERED && inputs.size() < 2) {
        throw new IllegalArgumentException("temporal_ordered needs at least 2 rules");
      }
      if (kind == Kind.TEMPORAL_ORDERED && condition != null) {
        throw new IllegalArgumentException("temporal_ordered takes no condition");
      }
      if (condition == null && kind != Kind.TEMPORAL && kind != Kind.TEMPORAL_ORDERED) {
        throw new IllegalArgumentException(kind.typeName() + " needs a condition");
      }
      if (kind.needsField()) {
        for (Input in : inputs) {
          if (in.valueField() == null) {
            throw new IllegalArgumentException(kind.typeName() + " needs a condition field");
          }
        }
      }
      int n = inputs.get(0).groupFields().size();
      for (Input in : inputs) {
        if (in.groupFields().size() != n) {
          throw new IllegalArgumentException("every input needs the same number of group-by fields");
        }
      }
    }

    /**
     * Whether the rule fires as soon as the measure over the sliding window ending at an event satisfies
     * the condition (only lower bounds on a measure that grows with events); otherwise the rule decides when
     * a window anchored at a group's first event closes.
     */
    public boolean eager() {
      return switch (kind) {
        case TEMPORAL_ORDERED -> true;
        case VALUE_AVG, VALUE_PERCENTILE -> false;
        default -> condition == null || condition.lowerOnly();
      };
    }
  }

  /** What an {@link Aggregate} measures. */
  public enum Kind {
    /** Number of events. */
    EVENT_COUNT,
    /** Number of distinct values of a field. */
    VALUE_COUNT,
    /** Number of distinct inputs seen (all of them unless a condition says otherwise). */
    TEMPORAL,
    /** Every input, in the order given. */
    TEMPORAL_ORDERED,
    /** Sum of a numeric field. */
    VALUE_SUM,
    /** Average of a numeric field. */
    VALUE_AVG,
    /** Share, in percent, of each value of a field among the window's events; fires on a value that passes. */
    VALUE_PERCENTILE;

    /** The Sigma name: event_count, value_count, ... */
    public String typeName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the kind measures a field. */
    public boolean needsField() {
      return this == VALUE_COUNT || this == VALUE_SUM || this == VALUE_AVG || this == VALUE_PERCENTILE;
    }
  }

  /**
   * One input of an {@link Aggregate}: exactly one of {@code match} (events) and {@code rule} (alerts of that
   * rule id).
   *
   * @param name the referenced rule's name or id, shown in summaries
   * @param match the events of this input, or null
   * @param rule id of the rule whose alerts are this input, or null
   * @param groupFields where this input finds each group value (an event field, or for alerts a field of the
   *     referenced rule's group key)
   * @param valueField the measured field for value_* kinds, or null
   */
  public record Input(String name, Condition match, String rule, List<String> groupFields, String valueField) {
    /** Validates. */
    public Input {
      Objects.requireNonNull(name, "name");
      if ((match == null) == (rule == null)) {
        throw new IllegalArgumentException("an input is either a condition or a rule reference");
      }
      groupFields = List.copyOf(groupFields);
    }
  }

  /**
   * Bounds on a measured number: all given bounds must hold (null = not given).
   */
  public record Bounds(Double gt, Double gte, Double lt, Double lte, Double eq, Double neq) {
    /** Requires at least one bound. */
    public Bounds {
      if (gt == null && gte == null && lt == null && lte == null && eq == null && neq == null) {
        throw new IllegalArgumentException("a condition needs at least one of gt, gte, lt, lte, eq, neq");
      }
    }

    /** Whether {@code x} satisfies every bound. */
    public boolean test(double x) {
      return (gt == null || x > gt) && (gte == null || x >= gte) && (lt == null || x < lt)
          && (lte == null || x <= lte) && (eq == null || x == eq) && (neq == null || x != neq);
    }

    /** Whether only gt/gte are given (a growing measure satisfies them for good once it does). */
    public boolean lowerOnly() {
      return lt == null && lte == null && eq == null && neq == null;
    }

    /** "gte 10 and lt 20". */
    @Override
    public String toString() {
      List<String> p = new java.util.ArrayList<>();
      add(p, "gt", gt);
      add(p, "gte", gte);
      add(p, "lt", lt);
      add(p, "lte", lte);
      add(p, "eq", eq);
      add(p, "neq", neq);
      return String.join(" and ", p);
    }

    private static void add(List<String> p, String n, Double v) {
      if (v != null) {
        p.add(n + " " + (v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : v.toString()));
      }
    }
  }

  private static void positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
  }
}
