package io.phosor.detect;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * How the other writers of the store (incident grouping, intel enrichment) give way to the alert writer. SQLite has
 * one writer, and alerts come first (the live feed, the latency people see): while {@code busy} says alerts wait to
 * be stored, each of their transactions first waits in steps of {@value #STEP_MS} ms, at most {@value #MAX_MS} ms, so
 * the two do not take turns at the one writer and grouping still moves during an alert flood.
 */
public final class YieldToAlerts {
  static final long STEP_MS = 10;
  static final long MAX_MS = 200;
  private volatile BooleanSupplier busy = () -> false;

  /** From now on, give way while {@code busy} says so. */
  public void whileBusy(BooleanSupplier busy) {
    this.busy = Objects.requireNonNull(busy, "busy");
  }

  /** Waits before a transaction while alerts wait (at most {@value #MAX_MS} ms); returns early once {@code stop}. */
  public void pause(BooleanSupplier stop) {
    for (long waited = 0; waited < MAX_MS && !stop.getAsBoolean() && busy.getAsBoolean(); waited += STEP_MS) {
      try {
        Thread.sleep(STEP_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
