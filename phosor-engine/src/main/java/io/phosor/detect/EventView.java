package io.phosor.detect;

import io.phosor.event.Event;
import java.util.Arrays;

/**
 * The current event as the compiled rules see it: each field is read once per event (by slot, however
 * many rules test it), its string and folded forms are made at most once, each distinct field test
 * (leaf) is evaluated at most once, and the literal prefilter's findings are kept. Validity is tracked
 * with a stamp per event, so nothing is cleared between events. One per compiled rule set; not thread-safe.
 */
final class EventView {
  private final String[] fields;
  private final Object[] raw;
  private final int[] rawAt;
  private final String[] str;
  private final int[] strAt;
  private final String[] folded;
  private final int[] foldAt;
  private final Leaf[] leaves;
  private final boolean[] leafValue;
  private final int[] leafAt;
  /** Literal id -> stamp of the last event whose text contained it. */
  final int[] litFound;
  /** Scratch list of literal ids found in the current event. */
  final int[] litHits;
  /** Scratch buffer for address parsing. */
  final long[] addr = new long[2];
  Event event;
  int stamp;

  EventView(String[] fields, Leaf[] leaves, int literals) {
    this.fields = fields;
    int n = fields.length;
    this.raw = new Object[n];
    this.rawAt = new int[n];
    this.str = new String[n];
    this.strAt = new int[n];
    this.folded = new String[n];
    this.foldAt = new int[n];
    this.leaves = leaves;
    this.leafValue = new boolean[leaves.length];
    this.leafAt = new int[leaves.length];
    this.litFound = new int[literals];
    this.litHits = new int[literals];
  }

  /** Starts a new event. */
  void reset(Event e) {
    event = e;
    if (++stamp == 0) { // wrapped after 2^32 events: forget everything once
      Arrays.fill(rawAt, 0);
      Arrays.fill(strAt, 0);
      Arrays.fill(foldAt, 0);
      Arrays.fill(leafAt, 0);
      Arrays.fill(litFound, 0);
      stamp = 1;
    }
  }

  /** The field's value (null when absent). */
  Object raw(int slot) {
    if (rawAt[slot] != stamp) {
      raw[slot] = event.get(fields[slot]);
      rawAt[slot] = stamp;
    }
    return raw[slot];
  }

  /** The field's value as a string (null when absent). */
  String str(int slot) {
    if (strAt[slot] != stamp) {
      Object o = raw(slot);
      str[slot] = o == null ? null : o instanceof String s ? s : o.toString();
      strAt[slot] = stamp;
    }
    return str[slot];
  }

  /** The field's value as a folded string (null when absent). */
  String folded(int slot) {
    if (foldAt[slot] != stamp) {
      String s = str(slot);
      folded[slot] = s == null ? null : Text.fold(s);
      foldAt[slot] = stamp;
    }
    return folded[slot];
  }

  /** The result of leaf {@code id}, computed once per event. */
  boolean leaf(int id) {
    if (leafAt[id] != stamp) {
      leafValue[id] = leaves[id].test(this);
      leafAt[id] = stamp;
    }
    return leafValue[id];
  }

  /** Whether literal {@code id} was found in the current event. */
  boolean literalFound(int id) {
    return litFound[id] == stamp;
  }
}
