package io.phosor.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Outcome counters of a run, updated from the sending thread and HTTP callbacks. */
final class Tally {
  final LongAdder accepted = new LongAdder();
  final LongAdder refused = new LongAdder();
  final LongAdder errors = new LongAdder();
  private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
  private final AtomicReference<String> firstError = new AtomicReference<>();

  /** Classifies an HTTP answer for {@code events} events: 2xx accepted, 429/503 refused, else an error. */
  void status(int status, int events) {
    byStatus.computeIfAbsent(status, s -> new LongAdder()).add(events);
    if (status >= 200 && status < 300) {
      accepted.add(events);
    } else if (status == 429 || status == 503) {
      refused.add(events);
    } else {
      errors.add(events);
      firstError.compareAndSet(null, "HTTP " + status);
    }
  }

  /** Counts {@code events} events lost to an I/O failure. */
  void failed(int events, Throwable cause) {
    errors.add(events);
    firstError.compareAndSet(null, cause.getClass().getSimpleName() + ": " + cause.getMessage());
  }

  /** Events per HTTP status, in status order. */
  Map<Integer, Long> byStatus() {
    Map<Integer, Long> out = new TreeMap<>();
    byStatus.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The first error seen, or null. */
  String firstError() {
    return firstError.get();
  }
}
