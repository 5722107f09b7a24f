package io.phosor.store;

import java.time.Instant;
import java.util.Locale;

/**
 * One entry of a rule's history: the rule as it was after the change (for a deletion: as it was deleted).
 *
 * @param ruleId the rule's id
 * @param version the version this change produced
 * @param kind what the change was
 * @param text the rule's text after the change
 * @param format "json" or "yaml"
 * @param enabled whether the rule was enabled after the change
 * @param by who made the change
 * @param at when
 */
public record RuleChange(String ruleId, int version, Kind kind, String text, String format, boolean enabled, String by,
    Instant at) {
  /** What happened to the rule. */
  public enum Kind {
    /** Created (also again after a deletion). */
    CREATED,
    /** Text or format replaced. */
    UPDATED,
    /** Enabled or disabled. */
    TOGGLED,
    /** Deleted. */
    DELETED;

    /** The lower-case name used in the database and JSON. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
