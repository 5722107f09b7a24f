package io.phosor.load;

import java.util.List;

/** Sends batches of events one way (UDP, TCP, HTTP, HEC) and records the outcome in a {@link Tally}. */
interface Transport extends AutoCloseable {
  /**
   * Sends one batch. Returns false when the target cannot be reached at all and the run should stop.
   * Throws InterruptedException when interrupted while waiting for a free HTTP slot.
   */
  boolean send(List<SampleEvent> batch) throws InterruptedException;

  /** Waits for answers still in flight (HTTP) and releases sockets. */
  @Override
  void close();
}
