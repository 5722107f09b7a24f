package io.phosor.detect;

import java.util.Arrays;

/**
 * Group keys without string concatenation: no group_by fields = {@link #NONE}; one field = the value
 * string itself; several = a {@link Multi} holding the values (hash computed once).
 */
final class GroupKey {
  /** The single group of a rule without group_by. */
  static final String NONE = "";

  private GroupKey() {}

  /** Key of several values. */
  static final class Multi {
    final String[] parts;
    private final int hash;

    Multi(String[] parts) {
      this.parts = parts;
      this.hash = Arrays.hashCode(parts);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Multi m && m.hash == hash && Arrays.equals(m.parts, parts);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * The key of the current event, or null when a group_by field is missing and {@code missingAsEmpty} is
   * false (stateful rules skip such events; stateless rules group them under the empty value).
   */
  static Object of(EventView v, int[] slots, boolean missingAsEmpty) {
    switch (slots.length) {
      case 0:
        return NONE;
      case 1: {
        String s = v.str(slots[0]);
        return s != null ? s : missingAsEmpty ? "" : null;
      }
      default: {
        String[] parts = new String[slots.length];
        for (int i = 0; i < slots.length; i++) {
          String s = v.str(slots[i]);
          if (s == null) {
            if (!missingAsEmpty) {
              return null;
            }
            s = "";
          }
          parts[i] = s;
        }
        return new Multi(parts);
      }
    }
  }

  /** The key's values in group_by order. */
  static String[] parts(Object key, int fields) {
    if (fields == 0) {
      return new String[0];
    }
    return key instanceof Multi m ? m.parts : new String[] {(String) key};
  }

  /** Rebuilds a key from its values (baseline import). */
  static Object fromParts(String[] parts) {
    return parts.length == 0 ? NONE : parts.length == 1 ? parts[0] : new Multi(parts);
  }
}
