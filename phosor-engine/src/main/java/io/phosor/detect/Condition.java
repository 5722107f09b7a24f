package io.phosor.detect;

import java.util.List;
import java.util.Objects;

/**
 * A test on one event, as written in a rule: field tests combined with all/any/not. This is the rule's
 * syntax tree; the engine compiles it (field access, literal prefilters and shared tests computed once
 * per event) before it runs. Conditions never execute code.
 */
public sealed interface Condition {
  /** Always true: a rule without a filter looks at every event. */
  Condition TRUE = new All(List.of());

  /** True when every child is true (true when empty). */
  record All(List<Condition> all) implements Condition {
    /** Copies the list. */
    public All {
      all = List.copyOf(all);
    }
  }

  /** True when at least one child is true (false when empty). */
  record Any(List<Condition> any) implements Condition {
    /** Copies the list. */
    public Any {
      any = List.copyOf(any);
    }
  }

  /** True when the child is false. */
  record Not(Condition not) implements Condition {
    /** Requires a child. */
    public Not {
      Objects.requireNonNull(not, "not");
    }
  }

  /**
   * A test of one field (canonical name or alias, see {@code io.phosor.event.Fields}).
   *
   * @param field the field name
   * @param op the operator
   * @param values the operands (one for most operators, several for {@link Op#IN} and {@link Op#CIDR}, none for
   *     {@link Op#EXISTS}); strings as written in the rule
   * @param caseSensitive whether string comparisons and regexes respect case (default false, as in the seed)
   */
  record Field(String field, Op op, List<String> values, boolean caseSensitive) implements Condition {
    /** Validates the shape; operand syntax (regex, CIDR, number) is checked when the rule is compiled. */
    public Field {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(op, "op");
      values = List.copyOf(values);
    }
  }

  /** Field operators. A missing field fails every operator but {@link #EXISTS} (and a negated test passes). */
  enum Op {
    EQUALS, IN, CONTAINS, STARTS_WITH, ENDS_WITH, REGEX, CIDR, EXISTS, GT, GTE, LT, LTE
  }
}
