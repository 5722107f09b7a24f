package io.phosor.incident;

/**
 * Receives incident updates. Called on the incident worker thread (or the API thread for manual changes), after
 * the change is stored: it must not block for long (queue slow work elsewhere) and must not throw.
 */
@FunctionalInterface
public interface IncidentListener {
  /** One stored change. */
  void onUpdate(IncidentUpdate update);
}
