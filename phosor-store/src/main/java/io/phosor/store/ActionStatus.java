package io.phosor.store;

import java.util.Locale;

/** Where a response action is: waiting, running, or one of the four ways it can end. */
public enum ActionStatus {
  /** Queued, not started. */
  PENDING,
  /** Being executed (maybe on a retry). */
  RUNNING,
  /** Done, it worked. */
  SUCCEEDED,
  /** Done, it did not work (after its retries). */
  FAILED,
  /** Not executed because responses run in dry-run mode; the outcome says what would have happened. */
  DRY_RUN,
  /** Not executed because a guard refused it (allow-list, rate limit, protected target). */
  REFUSED;

  /** The lower-case name used in the database and JSON ("dry_run"). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the action has ended (succeeded, failed, dry run or refused). */
  public boolean finished() {
    return this != PENDING && this != RUNNING;
  }

  /** The status named {@code label} (case-insensitive), or null when it names none. */
  public static ActionStatus parse(String label) {
    for (ActionStatus s : values()) {
      if (s.label().equalsIgnoreCase(label)) {
        return s;
      }
    }
    return null;
  }
}
