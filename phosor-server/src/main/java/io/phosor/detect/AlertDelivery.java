package io.phosor.detect;

import java.util.List;

/**
 * Where the detection stage hands the alerts of a batch: storage, metrics, the live feed. Called on the alert writer's
 * thread ({@link AlertWriter}, one call per group of flushes); throwing means "not delivered" and the writer holds
 * the alerts, waits and calls again with the same alerts (so it must be idempotent: the store ignores an alert it already has, by fingerprint).
 */
@FunctionalInterface
public interface AlertDelivery {
  /** Delivers {@code alerts} (oldest first), or throws when they could not all be delivered. */
  void deliver(List<Alert> alerts);
}
