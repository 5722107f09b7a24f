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
  public sealed interface Spec permits Pattern, Threshold, Correlation, ValueCount, Absence, NewValue, TimeOfDay {}

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

  private static void positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
  }
}
