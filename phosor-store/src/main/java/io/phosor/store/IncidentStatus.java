package io.phosor.store;

import java.util.Locale;

/** Where an incident is in its handling. */
public enum IncidentStatus {
  /** Opened, not yet taken up. */
  OPEN,
  /** Someone is working on it. */
  ACKNOWLEDGED,
  /** Closed (it can be reopened). */
  RESOLVED;

  /** The lower-case name used in the database and JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status named {@code label} (case-insensitive), or null when it names none. */
  public static IncidentStatus parse(String label) {
    for (IncidentStatus s : values()) {
      if (s.label().equalsIgnoreCase(label)) {
        return s;
      }
    }
    return null;
  }
}
