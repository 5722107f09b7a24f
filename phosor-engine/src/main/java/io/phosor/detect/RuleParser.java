package io.phosor.detect;

import java.util.List;

/**
 * Reads rules: the seeds' JSON exactly as written (pattern field/regex/case_sensitive; threshold
 * field/value/count/window_seconds; correlation conditions/within_seconds) and the same model in YAML,
 * with Phosor's extensions. A file may hold one rule, a list of rules, or (YAML) several documents.
 * STUB: the API is final, the implementation is in progress.
 */
public final class RuleParser {
  private RuleParser() {}

  /** Parses rules from JSON or YAML text (detected); {@code origin} names the source in error messages. */
  public static List<Rule> parse(String text, String origin) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
