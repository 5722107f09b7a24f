package io.phosor.detect;

/** A rule that cannot be loaded: the message names the rule and the problem. */
public final class RuleException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String rule;

  /** {@code rule} is the rule's name or id (or the file position when it has neither). */
  public RuleException(String rule, String problem) {
    super("rule \"" + rule + "\": " + problem);
    this.rule = rule;
  }

  /** The rule's name or id. */
  public String rule() {
    return rule;
  }
}
