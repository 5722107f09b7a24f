package io.phosor.sigma;

/** A Sigma feature Phosor does not run, with the reason reported for the rule (never silently ignored). */
final class Unsupported extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Unsupported(String reason) {
    super(reason, null, false, false);
  }
}
