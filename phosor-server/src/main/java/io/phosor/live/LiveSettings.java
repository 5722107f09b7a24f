package io.phosor.live;

import io.phosor.config.PhosorConfig;
import java.time.Duration;

/**
 * The live feed's limits.
 *
 * @param maxClients connections at once; more are refused
 * @param bufferMessages messages held for a client that is slower than the feed before the oldest are dropped
 * @param eventsPerSecond sampled events sent to each client per second (0: no event stream)
 * @param statsInterval how often the stats figures are sent
 * @param maxLag how long a client may keep losing messages before it is disconnected
 * @param maxDrops messages a client may lose in a row (none written in between) before it is disconnected
 * @param pingInterval how often an idle connection is pinged
 */
public record LiveSettings(int maxClients, int bufferMessages, int eventsPerSecond, Duration statsInterval,
    Duration maxLag, long maxDrops, Duration pingInterval) {

  /** Rejects values that would make the feed unbounded or useless. */
  public LiveSettings {
    if (maxClients < 1) {
      throw new IllegalArgumentException("live feed: maxClients must be > 0, was " + maxClients);
    }
    if (bufferMessages < 1) {
      throw new IllegalArgumentException("live feed: bufferMessages must be > 0, was " + bufferMessages);
    }
    if (eventsPerSecond < 0) {
      throw new IllegalArgumentException("live feed: eventsPerSecond must be >= 0, was " + eventsPerSecond);
    }
    if (maxDrops < 1) {
      throw new IllegalArgumentException("live feed: maxDrops must be > 0, was " + maxDrops);
    }
    requirePositive(statsInterval, "statsInterval");
    requirePositive(maxLag, "maxLag");
    requirePositive(pingInterval, "pingInterval");
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("live feed: " + name + " must be > 0, was " + d);
    }
  }

  /** The settings of a node's configuration ({@code PHOSOR_WS_*}). */
  public static LiveSettings of(PhosorConfig c) {
    return new LiveSettings(c.wsMaxClients(), c.wsBufferMessages(), c.wsEventsPerSecond(), c.wsStatsInterval(),
        c.wsMaxLag(), c.wsMaxDrops(), c.wsPingInterval());
  }
}
