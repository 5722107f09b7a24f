package io.phosor.secrets;

/**
 * A secret that cannot be stored or read: no key is set, the key is not the one the value was encrypted
 * under, or the value was altered. The message says which secret and what to do; it never holds the secret.
 */
public final class SecretException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with an actionable message. */
  public SecretException(String message) {
    super(message);
  }

  /** Same, with the cause. */
  public SecretException(String message, Throwable cause) {
    super(message, cause);
  }
}
