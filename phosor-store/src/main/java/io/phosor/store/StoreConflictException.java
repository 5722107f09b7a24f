package io.phosor.store;

/** A change that contradicts the stored state (a duplicate name, resolving a resolved alert). */
public final class StoreConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** {@code message} says what conflicts and, where it helps, what to do instead. */
  public StoreConflictException(String message) {
    super(message);
  }
}
