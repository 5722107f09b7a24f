package io.phosor.store;

/** A change was asked for a record that does not exist (reads return {@code Optional.empty()} instead). */
public final class StoreNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** {@code message} names the kind of record and its id, e.g. {@code alert 42 does not exist}. */
  public StoreNotFoundException(String message) {
    super(message);
  }
}
