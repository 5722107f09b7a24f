package io.phosor.detect;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-rule state by group key, capped: beyond {@code cap} keys the least recently used is evicted and
 * counted, so a flood of distinct keys cannot grow memory without bound.
 */
final class GroupTable<V> extends LinkedHashMap<Object, V> {
  private static final long serialVersionUID = 1L;
  private final int cap;
  private final transient Counter evictions;
  private final transient Evicted<V> onEvict;

  /** Hook told about each evicted value (e.g. to cancel its timer). */
  @FunctionalInterface
  interface Evicted<V> {
    void evicted(V value);
  }

  /** A shared mutable count (evictions of one rule). */
  static final class Counter {
    long value;
  }

  GroupTable(int cap, Counter evictions, Evicted<V> onEvict) {
    super(16, 0.75f, true);
    this.cap = cap;
    this.evictions = evictions;
    this.onEvict = onEvict;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<Object, V> eldest) {
    if (size() > cap) {
      evictions.value++;
      if (onEvict != null) {
        onEvict.evicted(eldest.getValue());
      }
      return true;
    }
    return false;
  }
}
