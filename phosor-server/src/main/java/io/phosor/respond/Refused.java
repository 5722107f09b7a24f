package io.phosor.respond;

/** An action a guard refused before anything ran (allow-list, not configured, no entity); recorded as refused. */
final class Refused extends Exception {
  private static final long serialVersionUID = 1L;

  Refused(String message) {
    super(message, null, false, false);
  }
}
