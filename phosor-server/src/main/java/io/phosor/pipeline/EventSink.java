package io.phosor.pipeline;

import io.phosor.event.Event;
import java.util.List;

/**
 * Receives journaled events in journal order, on the pipeline thread: must not block (hand work to
 * its own bounded queue). Detection, indexing and the live feed attach here.
 */
public interface EventSink {
  /** Takes a batch of journaled events. */
  void accept(List<Event> events);
}
