package io.phosor.store;

/**
 * The store cannot do what was asked: bad settings, a database that cannot be reached or refuses the
 * schema, or an unexpected database error. The message is one line that names the database (never its
 * password) and the cause.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public StoreException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
