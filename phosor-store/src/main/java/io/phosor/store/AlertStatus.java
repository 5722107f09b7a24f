package io.phosor.store;

import java.util.Locale;

/** Where an alert is in triage: open until someone acknowledges it, then resolved. */
public enum AlertStatus {
  /** Raised, nobody has looked at it yet. */
  OPEN,
  /** Someone is on it. */
  ACKNOWLEDGED,
  /** Dealt with; final. */
  RESOLVED;

  /** The lower-case name used in the database and JSON ("open", "acknowledged", "resolved"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status named {@code label} (case-insensitive), or null when it names none. */
  public static AlertStatus parse(String label) {
    for (AlertStatus s : values()) {
      if (s.label().equalsIgnoreCase(label)) {
        return s;
      }
    }
    return null;
  }
}
