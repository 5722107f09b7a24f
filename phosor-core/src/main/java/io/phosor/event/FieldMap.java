package io.phosor.event;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The field storage of an {@link Event}: a compact insertion-ordered map from String to Object in parallel
 * arrays ({@code keys} and {@code values}), with a small open-addressing index of positions by the keys' hash
 * codes (which String caches; linear probing, load factor at most 1/2) that compares the keys by reference
 * first (most keys are the interned constants of {@link Fields}) and by {@code equals} only when that fails.
 * No entry object is allocated per field, a put of a new key costs one probe instead of a scan, and
 * iteration is a walk over the arrays.
 *
 * <p>Every parsed event allocates one of these, so its size matters: up to {@link #BYTE_INDEX_MAX} entries
 * the index is a {@code byte[]} of positions (80 bytes for the initial 32 entries, where an {@code int[]}
 * takes 272), and the hash codes are read from the keys rather than kept in an array of their own.
 *
 * <p>Null keys and null values are allowed, as in {@link java.util.LinkedHashMap}. Removal keeps the order
 * of the other entries. Iteration is in insertion order; a key put again keeps its place. Not thread-safe.
 */
final class FieldMap extends AbstractMap<String, Object> {
  /** Initial capacity: a parsed web access event has 26 fields, 27 once redacted. */
  static final int INITIAL_CAPACITY = 32;
  /**
   * Largest capacity whose index is a {@code byte[]}: it holds {@code position + 1} unsigned, so positions
   * up to 254; capacities double from {@link #INITIAL_CAPACITY}, so 128 is the last one that fits.
   */
  static final int BYTE_INDEX_MAX = 128;

  private String[] keys;
  private Object[] values;
  private int size;
  /** Structural changes (puts of new keys, removals), for fail-fast iteration. */
  private int modCount;
  /**
   * Open-addressing table (linear probing) of {@code position + 1} by hash (unsigned), 0 = empty, twice the
   * capacity of the arrays, while the capacity is at most {@link #BYTE_INDEX_MAX}; else null.
   */
  private byte[] smallIndex;
  /** The same table as {@link #smallIndex} for larger capacities; null while {@link #smallIndex} is used. */
  private int[] index;

  FieldMap() {
    this(INITIAL_CAPACITY);
  }

  FieldMap(int capacity) {
    int c = Math.max(4, capacity);
    keys = new String[c];
    values = new Object[c];
    newIndex(c);
  }

  /** A new, empty index for {@code capacity} entries. */
  private void newIndex(int capacity) {
    if (capacity <= BYTE_INDEX_MAX) {
      smallIndex = new byte[capacity * 2];
      index = null;
    } else {
      smallIndex = null;
      index = new int[capacity * 2];
    }
  }

  private static int hash(Object key) {
    return key == null ? 0 : key.hashCode();
  }

  /** Position of {@code key}, or -1: one probe of the index in the common case. */
  private int indexOf(Object key) {
    int h = hash(key);
    String[] ks = keys;
    byte[] small = smallIndex;
    if (small != null) {
      int mask = small.length - 1;
      for (int slot = mix(h) & mask; ; slot = (slot + 1) & mask) {
        int p = small[slot] & 0xFF;
        if (p == 0) {
          return -1;
        }
        if (matches(ks[p - 1], key, h)) {
          return p - 1;
        }
      }
    }
    int[] t = index;
    int mask = t.length - 1;
    for (int slot = mix(h) & mask; ; slot = (slot + 1) & mask) {
      int p = t[slot];
      if (p == 0) {
        return -1;
      }
      if (matches(ks[p - 1], key, h)) {
        return p - 1;
      }
    }
  }

  /**
   * The reference comparison settles it for the interned constants of Fields; then the hash (cached in the
   * String) and equals for the rest.
   */
  private static boolean matches(String k, Object key, int h) {
    return k == key || (key != null && k != null && k.hashCode() == h && key.equals(k));
  }

  private static int mix(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /** Rebuilds the index at twice the capacity of the arrays (a load factor of at most 1/2). */
  private void rebuildIndex() {
    int cap = keys.length;
    if (cap <= BYTE_INDEX_MAX ? smallIndex == null || smallIndex.length != cap * 2 : index == null || index.length != cap * 2) {
      newIndex(cap);
    } else if (smallIndex != null) {
      Arrays.fill(smallIndex, (byte) 0);
    } else {
      Arrays.fill(index, 0);
    }
    for (int i = 0; i < size; i++) {
      indexInsert(i);
    }
  }

  private void indexInsert(int i) {
    int h = hash(keys[i]);
    byte[] small = smallIndex;
    if (small != null) {
      int mask = small.length - 1;
      int slot = mix(h) & mask;
      while (small[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      small[slot] = (byte) (i + 1);
      return;
    }
    int[] t = index;
    int mask = t.length - 1;
    int slot = mix(h) & mask;
    while (t[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    t[slot] = i + 1;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public boolean containsValue(Object value) {
    for (int i = 0; i < size; i++) {
      if (Objects.equals(values[i], value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Object get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public Object getOrDefault(Object key, Object defaultValue) {
    int i = indexOf(key);
    return i < 0 ? defaultValue : values[i];
  }

  @Override
  public Object put(String key, Object value) {
    int h = hash(key);
    String[] ks = keys;
    byte[] small = smallIndex;
    if (small != null && size < ks.length) {
      // the common case of a parser filling a new event: one probe finds the key or the free slot for it
      int mask = small.length - 1;
      int slot = mix(h) & mask;
      for (int p; (p = small[slot] & 0xFF) != 0; slot = (slot + 1) & mask) {
        if (matches(ks[p - 1], key, h)) {
          Object old = values[p - 1];
          values[p - 1] = value;
          return old;
        }
      }
      int n = size;
      ks[n] = key;
      values[n] = value;
      size = n + 1;
      modCount++;
      small[slot] = (byte) (n + 1);
      return null;
    }
    int i = indexOf(key);
    if (i >= 0) {
      Object old = values[i];
      values[i] = value;
      return old;
    }
    append(key, value);
    return null;
  }

  @Override
  public Object putIfAbsent(String key, Object value) {
    int i = indexOf(key);
    if (i >= 0) {
      Object old = values[i];
      if (old == null) {
        values[i] = value;
      }
      return old;
    }
    append(key, value);
    return null;
  }

  private void append(String key, Object value) {
    int n = size;
    if (n == keys.length) {
      int c = n * 2;
      keys = Arrays.copyOf(keys, c);
      values = Arrays.copyOf(values, c);
      keys[n] = key;
      values[n] = value;
      size = n + 1;
      modCount++;
      rebuildIndex();
      return;
    }
    keys[n] = key;
    values[n] = value;
    size = n + 1;
    modCount++;
    indexInsert(n);
  }

  @Override
  public Object remove(Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    Object old = values[i];
    removeAt(i);
    return old;
  }

  private void removeAt(int i) {
    int tail = size - i - 1;
    if (tail > 0) {
      System.arraycopy(keys, i + 1, keys, i, tail);
      System.arraycopy(values, i + 1, values, i, tail);
    }
    size--;
    keys[size] = null;
    values[size] = null;
    modCount++;
    rebuildIndex();
  }

  @Override
  public void clear() {
    if (size > 0) {
      Arrays.fill(keys, 0, size, null);
      Arrays.fill(values, 0, size, null);
      size = 0;
      modCount++;
      rebuildIndex();
    }
  }

  /** The key at {@code position} (0 = the first inserted), for {@link Event}'s positional access. */
  String keyAt(int position) {
    Objects.checkIndex(position, size);
    return keys[position];
  }

  /** The value at {@code position}. */
  Object valueAt(int position) {
    Objects.checkIndex(position, size);
    return values[position];
  }

  /** Replaces the value at {@code position}; the key and the order stay (not a structural change). */
  void setValueAt(int position, Object value) {
    Objects.checkIndex(position, size);
    values[position] = value;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    int mc = modCount;
    for (int i = 0; i < size; i++) {
      action.accept(keys[i], values[i]);
    }
    if (mc != modCount) {
      throw new ConcurrentModificationException();
    }
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super Object, ?> function) {
    int mc = modCount;
    for (int i = 0; i < size; i++) {
      values[i] = function.apply(keys[i], values[i]);
    }
    if (mc != modCount) {
      throw new ConcurrentModificationException();
    }
  }

  private Set<Map.Entry<String, Object>> entrySet;

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    Set<Map.Entry<String, Object>> es = entrySet;
    if (es == null) {
      es = new EntrySet();
      entrySet = es;
    }
    return es;
  }

  private final class EntrySet extends AbstractSet<Map.Entry<String, Object>> {
    @Override
    public Iterator<Map.Entry<String, Object>> iterator() {
      return new EntryIterator();
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public void clear() {
      FieldMap.this.clear();
    }

    @Override
    public boolean contains(Object o) {
      if (!(o instanceof Map.Entry<?, ?> e)) {
        return false;
      }
      int i = indexOf(e.getKey());
      return i >= 0 && Objects.equals(values[i], e.getValue());
    }

    @Override
    public boolean remove(Object o) {
      if (!(o instanceof Map.Entry<?, ?> e)) {
        return false;
      }
      int i = indexOf(e.getKey());
      if (i >= 0 && Objects.equals(values[i], e.getValue())) {
        removeAt(i);
        return true;
      }
      return false;
    }
  }

  private final class EntryIterator implements Iterator<Map.Entry<String, Object>> {
    private int next;
    private int last = -1;
    private int expected = modCount;

    @Override
    public boolean hasNext() {
      return next < size;
    }

    @Override
    public Map.Entry<String, Object> next() {
      if (expected != modCount) {
        throw new ConcurrentModificationException();
      }
      int i = next;
      if (i >= size) {
        throw new NoSuchElementException();
      }
      next = i + 1;
      last = i;
      return new Entry(keys[i], i);
    }

    @Override
    public void remove() {
      if (last < 0) {
        throw new IllegalStateException();
      }
      if (expected != modCount) {
        throw new ConcurrentModificationException();
      }
      removeAt(last);
      next = last;
      last = -1;
      expected = modCount;
    }
  }

  /** An entry that reads and writes the map's value at its position while its key is still there. */
  private final class Entry implements Map.Entry<String, Object> {
    private final String key;
    private int at;

    Entry(String key, int at) {
      this.key = key;
      this.at = at;
    }

    private int position() {
      int i = at;
      if (i < size && keys[i] == key) {
        return i;
      }
      i = indexOf(key);
      at = i;
      return i;
    }

    @Override
    public String getKey() {
      return key;
    }

    @Override
    public Object getValue() {
      int i = position();
      return i < 0 ? null : values[i];
    }

    @Override
    public Object setValue(Object value) {
      int i = position();
      if (i < 0) {
        throw new IllegalStateException("entry was removed: " + key);
      }
      Object old = values[i];
      values[i] = value;
      return old;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Map.Entry<?, ?> e && Objects.equals(key, e.getKey())
          && Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(key) ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return key + "=" + getValue();
    }
  }
}
