package io.phosor.detect;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The current event as the compiled rules see it: each field is read once per event (by slot, however
 * many rules test it), its string and folded forms are made at most once, each distinct field test
 * (leaf) is evaluated at most once, and the literal prefilter's findings are kept. Validity is tracked
 * with a stamp per event, so nothing is cleared between events. One per compiled rule set; not thread-safe.
 */
final class EventView {
  /**
   * Fields that are first-class properties of {@link Event} (read through {@link Event#get}); every other
   * slot is read straight from the field map, skipping the alias lookup and the switch of {@code get}.
   */
  private static final Set<String> PROPERTIES = Set.of(Fields.TIMESTAMP, Fields.INGESTED, Fields.ORIGINAL,
      Fields.SOURCE, Fields.SOURCE_ADDRESS, Fields.ID, Fields.PARSE_ERROR);
  private final String[] fields;
  /** Per slot: the field is a plain map entry (not one of {@link #PROPERTIES}). */
  private final boolean[] plain;
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
  /** Group keys of stateful rules, per distinct group_by (key id), computed once per event. */
  private final Object[] keys;
  private final int[] keyAt;
  /** Scratch buffer for address parsing. */
  final long[] addr = new long[2];
  /** Per slot: the scalar value parsed as an address (kind, high and low halves), computed once per event. */
  private final int[] addrKind;
  private final long[] addrHi;
  private final long[] addrLo;
  private final int[] addrAt;
  Event event;
  /** The current event's field map (slot names are canonical, so no alias resolution is needed). */
  private Map<String, Object> map;
  int stamp;

  EventView(String[] fields, Leaf[] leaves, int literals, int groupKeys) {
    int n = fields.length;
    this.fields = new String[n];
    this.plain = new boolean[n];
    for (int i = 0; i < n; i++) {
      // Interned, so the field map's probe settles on a reference comparison with the Fields constants.
      this.fields[i] = fields[i].intern();
      this.plain[i] = !PROPERTIES.contains(this.fields[i]);
    }
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
    this.keys = new Object[groupKeys];
    this.keyAt = new int[groupKeys];
    this.addrKind = new int[n];
    this.addrHi = new long[n];
    this.addrLo = new long[n];
    this.addrAt = new int[n];
  }

  /**
   * The slot's scalar value parsed as an IP address into {@code out} (high, low): the kind from
   * {@link IpRange#parseAddress}, 0 when it is not an address. Parsed once per event however many CIDR
   * tests read it.
   */
  int address(int slot, long[] out) {
    if (addrAt[slot] != stamp) {
      String s = str(slot);
      int k = s == null ? 0 : IpRange.parseAddress(s, addr);
      addrKind[slot] = k;
      addrHi[slot] = addr[0];
      addrLo[slot] = addr[1];
      addrAt[slot] = stamp;
    }
    out[0] = addrHi[slot];
    out[1] = addrLo[slot];
    return addrKind[slot];
  }

  /** Starts a new event. */
  void reset(Event e) {
    event = e;
    map = e == null ? null : e.mutableFields();
    if (++stamp == 0) { // wrapped after 2^32 events: forget everything once
      Arrays.fill(rawAt, 0);
      Arrays.fill(strAt, 0);
      Arrays.fill(foldAt, 0);
      Arrays.fill(leafAt, 0);
      Arrays.fill(litFound, 0);
      Arrays.fill(keyAt, 0);
      Arrays.fill(addrAt, 0);
      stamp = 1;
    }
  }

  /** Drops the current event (so the view does not keep it alive). */
  void clear() {
    event = null;
    map = null;
  }

  /** The field's value (null when absent). */
  Object raw(int slot) {
    if (rawAt[slot] != stamp) {
      raw[slot] = plain[slot] ? map.get(fields[slot]) : event.get(fields[slot]);
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

  /**
   * The stateful group key ({@link GroupKey#of} without missing values) for key id {@code id}, built once
   * per event and shared by every rule with the same group_by (no per-rule key allocation or hashing).
   */
  Object groupKey(int id, int[] slots) {
    if (keyAt[id] != stamp) {
      keys[id] = GroupKey.of(this, slots, false);
      keyAt[id] = stamp;
    }
    return keys[id];
  }

  /** Whether literal {@code id} was found in the current event. */
  boolean literalFound(int id) {
    return litFound[id] == stamp;
  }
}
