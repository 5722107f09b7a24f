package io.phosor.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a flood of refused requests (a sender with a wrong token retrying in a loop, a scanner) from
 * filling the disk with audit entries: per address and minute the first {@code perWindow} refusals are
 * recorded one by one, the rest only counted, and each count becomes one summary entry when its minute
 * ends. Thread-safe; refusals are rare next to events, so one lock is enough.
 */
final class RefusalLimiter {
  /** Key for refusals beyond {@link #maxAddresses} distinct addresses in one window. */
  static final String OTHER_ADDRESSES = "*";
  private static final String NO_ADDRESS = "-";

  /** The refusals of one address in one window that were counted but not recorded one by one. */
  record Suppressed(String address, long count, Instant windowStart, long windowSeconds) {}

  private final int perWindow;
  private final long windowMillis;
  private final int maxAddresses;
  private long window = Long.MIN_VALUE;
  private final Map<String, Integer> seen = new HashMap<>();
  private final Map<String, Long> suppressed = new LinkedHashMap<>();
  private final List<Suppressed> ended = new ArrayList<>();
  private long suppressedTotal;

  RefusalLimiter(int perWindow, long windowMillis, int maxAddresses) {
    if (perWindow < 1 || windowMillis < 1 || maxAddresses < 1) {
      throw new IllegalArgumentException("perWindow, windowMillis and maxAddresses must be > 0");
    }
    this.perWindow = perWindow;
    this.windowMillis = windowMillis;
    this.maxAddresses = maxAddresses;
  }

  /** Whether a refusal from {@code address} at {@code nowMillis} is recorded; false: it is only counted. */
  synchronized boolean admit(String address, long nowMillis) {
    roll(nowMillis);
    String key = address == null ? NO_ADDRESS : address;
    if (!seen.containsKey(key) && seen.size() >= maxAddresses) {
      key = OTHER_ADDRESSES;
    }
    int n = seen.merge(key, 1, Integer::sum);
    if (n <= perWindow) {
      return true;
    }
    suppressed.merge(key, 1L, Long::sum);
    suppressedTotal++;
    return false;
  }

  /** The counts of the windows that ended by {@code nowMillis}, or of every window when {@code all} (shutdown). */
  synchronized List<Suppressed> takeEnded(long nowMillis, boolean all) {
    roll(nowMillis);
    if (all) {
      end();
    }
    List<Suppressed> out = List.copyOf(ended);
    ended.clear();
    return out;
  }

  /** Refusals counted but not recorded one by one, since the start. */
  synchronized long suppressedTotal() {
    return suppressedTotal;
  }

  private void roll(long nowMillis) {
    long w = Math.floorDiv(nowMillis, windowMillis);
    if (w != window) {
      end();
      window = w;
    }
  }

  private void end() {
    if (window != Long.MIN_VALUE) {
      Instant start = Instant.ofEpochMilli(window * windowMillis);
      suppressed.forEach((a, n) -> ended.add(new Suppressed(a.equals(NO_ADDRESS) ? null : a, n, start,
          windowMillis / 1000)));
    }
    suppressed.clear();
    seen.clear();
  }
}
