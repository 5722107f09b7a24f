package io.phosor.incident;

import io.phosor.store.IncidentStatus;
import io.phosor.store.StoredAlert;
import io.phosor.store.StoredIncident;
import java.util.List;

/**
 * What just happened to an incident, as the incident service tells its listeners (the response engine, the
 * live feed).
 *
 * @param incident the incident as it is now
 * @param newAlerts alerts that were just linked to it (empty for a status, assignee or note change)
 * @param created true when this update opened the incident
 * @param previousStatus the status before this update (equal to the current one when it did not change)
 * @param by who made the change ("system" for the correlation of alerts)
 */
public record IncidentUpdate(StoredIncident incident, List<StoredAlert> newAlerts, boolean created,
    IncidentStatus previousStatus, String by) {
  /** Copies the list. */
  public IncidentUpdate {
    newAlerts = List.copyOf(newAlerts);
  }

  /** True when this update changed the status. */
  public boolean statusChanged() {
    return previousStatus != incident.status();
  }
}
