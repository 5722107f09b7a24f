package io.phosor.server;

import io.phosor.health.Health;
import io.phosor.store.Store;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the relational store from its own thread (a check may take the connect timeout when the database
 * is down, and {@code /health} must answer at once): logs when it goes away and when it is back, and reports
 * it to {@code /health} as degraded meanwhile (ingestion goes on into the journal; alerts wait).
 */
final class StoreWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);
  /** Checks per minute: quick enough for an operator looking at /health, negligible for the database. */
  static final long EVERY_SECONDS = 5;

  private final Store store;
  private final Thread thread;
  private volatile boolean up = true;
  private volatile boolean closed;

  StoreWatch(Store store) {
    this.store = store;
    this.thread = Thread.ofPlatform().name("phosor-store-watch").daemon().start(this::run);
  }

  private void run() {
    while (!closed) {
      boolean now = store.healthy();
      if (now != up) {
        if (now) {
          LOG.warn("database {} is reachable again", store.describe());
        } else {
          LOG.error("database {} is unreachable; events keep going to the journal, alerts wait and are stored "
              + "when it is back", store.describe());
        }
        up = now;
      }
      try {
        TimeUnit.SECONDS.sleep(EVERY_SECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The store's part of {@code /health}. */
  Health.Check check() {
    return up ? Health.Check.OK : Health.Check.degraded("database " + store.describe() + " is unreachable; retrying");
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
