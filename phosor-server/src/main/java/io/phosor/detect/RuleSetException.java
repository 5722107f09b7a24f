package io.phosor.detect;

/** Rules or rule tests that cannot be loaded: the message names the file, the rule and the problem. */
public final class RuleSetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@code message} is one line a user can act on, e.g. {@code rules/ssh.yml: rule "x": count must be > 0}. */
  public RuleSetException(String message) {
    super(message);
  }
}
