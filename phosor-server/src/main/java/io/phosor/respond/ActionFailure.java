package io.phosor.respond;

/**
 * Why one attempt of an action failed. {@link #retryable()} tells the response engine whether trying again may
 * help: a timeout, a refused connection, HTTP 429 or 5xx may; a 4xx answer or a missing configuration will not.
 * The message is recorded as the action's outcome and must never contain a secret (no webhook URL, no token).
 */
public final class ActionFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  /** A failure; {@code retryable} when a later attempt may succeed. */
  public ActionFailure(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  /** Whether a later attempt may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
