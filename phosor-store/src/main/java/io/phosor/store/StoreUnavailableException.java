package io.phosor.store;

/**
 * The database is unreachable right now (connection refused or lost, pool timeout, disk full, locked):
 * the caller should back off and retry; the store reconnects by itself when the database is back.
 */
public final class StoreUnavailableException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** The database described by the message is unavailable because of {@code cause}. */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
