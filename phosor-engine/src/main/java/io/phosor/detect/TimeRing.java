package io.phosor.detect;

import java.util.Arrays;

/**
 * Event times and ids of one group's window, oldest first, in a ring of primitive longs that grows on
 * demand up to a fixed capacity (no boxing, no per-event allocation once grown).
 */
final class TimeRing {
  private long[] times;
  private long[] ids;
  private int head;
  private int size;

  TimeRing(int initial) {
    times = new long[initial];
    ids = new long[initial];
  }

  int size() {
    return size;
  }

  long time(int i) {
    return times[(head + i) % times.length];
  }

  long id(int i) {
    return ids[(head + i) % ids.length];
  }

  long newest() {
    return time(size - 1);
  }

  long oldest() {
    return time(0);
  }

  /** Inserts in time order (normally at the end; a late event moves back past newer ones). */
  void add(long t, long id) {
    if (size == times.length) {
      grow();
    }
    int cap = times.length;
    int pos = size;
    while (pos > 0 && times[(head + pos - 1) % cap] > t) {
      times[(head + pos) % cap] = times[(head + pos - 1) % cap];
      ids[(head + pos) % cap] = ids[(head + pos - 1) % cap];
      pos--;
    }
    times[(head + pos) % cap] = t;
    ids[(head + pos) % cap] = id;
    size++;
  }

  /** Drops entries with {@code time <= bound}. */
  void dropUpTo(long bound) {
    while (size > 0 && times[head] <= bound) {
      head = (head + 1) % times.length;
      size--;
    }
  }

  void clear() {
    head = 0;
    size = 0;
  }

  /** Copies the ids oldest first into a new array. */
  long[] ids() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = id(i);
    }
    return out;
  }

  private void grow() {
    int n = Math.max(4, times.length * 2);
    long[] t = new long[n];
    long[] d = new long[n];
    for (int i = 0; i < size; i++) {
      t[i] = time(i);
      d[i] = id(i);
    }
    times = t;
    ids = d;
    head = 0;
  }

  @Override
  public String toString() {
    long[] t = new long[size];
    for (int i = 0; i < size; i++) {
      t[i] = time(i);
    }
    return Arrays.toString(t);
  }
}
