package io.phosor.incident;

/**
 * Receives incident updates. Called on the incident worker thread (or the API thread for manual changes), after
 * the change is stored: it must not block for long (queue slow work elsewhere) and must not throw.
 */
@FunctionalInterface
public interface IncidentListener {
  /** One stored change. */
  void onUpdate(IncidentUpdate update);

  /**
   * The changes of one grouping round (in order, each incident once), all stored; by default one {@link #onUpdate}
   * each. A listener that writes to the store overrides it to write the round at once.
   */
  default void onUpdates(java.util.List<IncidentUpdate> updates) {
    for (IncidentUpdate u : updates) {
      onUpdate(u);
    }
  }
}
