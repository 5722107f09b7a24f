package io.phosor.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FieldMapTest {
  @Test
  void keepsInsertionOrderAndOverwritesInPlace() {
    FieldMap m = new FieldMap();
    m.put("b", 1);
    m.put("a", 2);
    m.put("c", 3);
    assertThat(m.put("a", 20)).isEqualTo(2);
    assertThat(m.keySet()).containsExactly("b", "a", "c");
    assertThat(m.values()).containsExactly(1, 20, 3);
    assertThat(m).hasSize(3).containsEntry("a", 20);
    assertThat(m.toString()).isEqualTo("{b=1, a=20, c=3}");
  }

  @Test
  void findsEqualKeysThatAreNotTheSameInstance() {
    FieldMap m = new FieldMap();
    m.put(Fields.USER_NAME, "root");
    String copy = new String(Fields.USER_NAME.toCharArray());
    assertThat(copy).isNotSameAs(Fields.USER_NAME);
    assertThat(m.get(copy)).isEqualTo("root");
    m.put(copy, "admin");
    assertThat(m).hasSize(1).containsEntry(Fields.USER_NAME, "admin");
    assertThat(m.get(42)).isNull();
    assertThat(m.containsKey(null)).isFalse();
  }

  @Test
  void eventFieldsCanBeWalkedAndReplacedByPosition() {
    Event e = new Event("syslog", null, Instant.parse("2026-01-01T00:00:00Z"), "x");
    e.put(Fields.HOST_NAME, "srv1");
    e.put(Fields.USER_NAME, "root");
    e.put(Fields.HOST_NAME, "srv2");
    assertThat(e.fieldCount()).isEqualTo(2);
    assertThat(e.fieldName(0)).isEqualTo(Fields.HOST_NAME);
    assertThat(e.fieldValue(0)).isEqualTo("srv2");
    assertThat(e.fieldName(1)).isEqualTo(Fields.USER_NAME);
    e.fieldValue(1, "[REDACTED]");
    assertThat(e.fields()).containsExactly(Map.entry(Fields.HOST_NAME, "srv2"), Map.entry(Fields.USER_NAME, "[REDACTED]"));
    assertThatThrownBy(() -> e.fieldValue(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> e.fieldValue(0, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void growsPastTheByteIndexAndKeepsEveryKey() {
    FieldMap m = new FieldMap();
    for (int i = 0; i < 300; i++) {
      m.put("k" + i, i);
    }
    for (int i = 0; i < 300; i++) {
      assertThat(m.get("k" + i)).isEqualTo(i);
    }
    assertThat(m.remove("k0")).isEqualTo(0);
    assertThat(m.get("k299")).isEqualTo(299);
    assertThat(m).hasSize(299);
  }

  @Test
  void keysWithTheSameHashCode() {
    FieldMap m = new FieldMap();
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    m.put("Aa", 1);
    m.put("BB", 2);
    m.put("AaAa", 3);
    m.put("BBBB", 4);
    m.put("AaBB", 5);
    assertThat(m.get("BB")).isEqualTo(2);
    assertThat(m.get("AaBB")).isEqualTo(5);
    assertThat(m.remove("Aa")).isEqualTo(1);
    assertThat(m.get("BB")).isEqualTo(2);
    assertThat(m.get("Aa")).isNull();
    assertThat(m.keySet()).containsExactly("BB", "AaAa", "BBBB", "AaBB");
  }

  @Test
  void removeKeepsTheOrderOfTheRest() {
    FieldMap m = new FieldMap();
    for (String k : List.of("a", "b", "c", "d")) {
      m.put(k, k.toUpperCase());
    }
    assertThat(m.remove("b")).isEqualTo("B");
    assertThat(m.remove("zz")).isNull();
    assertThat(m.keySet()).containsExactly("a", "c", "d");
    m.put("b", "again");
    assertThat(m.keySet()).containsExactly("a", "c", "d", "b");
    m.clear();
    assertThat(m).isEmpty();
    m.put("x", 1);
    assertThat(m).containsExactly(Map.entry("x", 1));
  }

  @Test
  void entrySetValueWritesThrough() {
    FieldMap m = new FieldMap();
    m.put("a", 1);
    m.put("b", 2);
    m.put("c", 3);
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getKey().equals("b")) {
        assertThat(e.setValue(22)).isEqualTo(2);
        assertThat(e.getValue()).isEqualTo(22);
      }
    }
    assertThat(m.get("b")).isEqualTo(22);
    Map.Entry<String, Object> c = null;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      if (e.getKey().equals("c")) {
        c = e;
      }
    }
    m.remove("a"); // shifts "c" one place to the left: the entry still finds it
    c.setValue(33);
    assertThat(m).containsExactly(Map.entry("b", 22), Map.entry("c", 33));
    assertThat(c).isEqualTo(Map.entry("c", 33));
    assertThat(c.hashCode()).isEqualTo(Map.entry("c", 33).hashCode());
  }

  @Test
  void iteratorRemoveAndFailFast() {
    FieldMap m = new FieldMap();
    for (int i = 0; i < 6; i++) {
      m.put("k" + i, i);
    }
    Iterator<Map.Entry<String, Object>> it = m.entrySet().iterator();
    while (it.hasNext()) {
      if (((Integer) it.next().getValue()) % 2 == 0) {
        it.remove();
      }
    }
    assertThat(m.keySet()).containsExactly("k1", "k3", "k5");
    assertThatThrownBy(() -> {
      for (String k : m.keySet()) {
        m.put(k + "x", 0);
      }
    }).isInstanceOf(ConcurrentModificationException.class);
  }

  @Test
  void equalsAndHashCodeAgreeWithHashMap() {
    FieldMap m = new FieldMap();
    Map<String, Object> h = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      m.put("f" + i, i % 3 == 0 ? "s" + i : i);
      h.put("f" + i, i % 3 == 0 ? "s" + i : i);
    }
    assertThat(m.equals(h)).isTrue();
    assertThat(h.equals(m)).isTrue();
    assertThat(m.hashCode()).isEqualTo(h.hashCode());
    h.put("f1", "other");
    assertThat(m.equals(h)).isFalse();
    assertThat(new LinkedHashMap<>(m)).isEqualTo(m);
  }

  @Test
  void manyKeysBeyondTheInitialCapacity() {
    FieldMap m = new FieldMap();
    LinkedHashMap<String, Object> ref = new LinkedHashMap<>();
    Random r = new Random(7);
    for (int step = 0; step < 20_000; step++) {
      String k = "key" + r.nextInt(400);
      switch (r.nextInt(4)) {
        case 0 -> assertThat(m.remove(k)).isEqualTo(ref.remove(k));
        case 1 -> assertThat(m.putIfAbsent(k, step)).isEqualTo(ref.putIfAbsent(k, step));
        default -> assertThat(m.put(k, step)).isEqualTo(ref.put(k, step));
      }
      if (step % 997 == 0) {
        assertThat(new ArrayList<>(m.entrySet())).containsExactlyElementsOf(ref.entrySet());
      }
      assertThat(m.get(k)).isEqualTo(ref.get(k));
    }
    assertThat(m.size()).isGreaterThan(2 * FieldMap.INITIAL_CAPACITY);
    assertThat(new ArrayList<>(m.entrySet())).containsExactlyElementsOf(ref.entrySet());
    for (String k : ref.keySet()) {
      assertThat(m.containsKey(k)).isTrue();
    }
    while (m.size() > 3) {
      String k = m.keySet().iterator().next();
      m.remove(k);
      ref.remove(k);
    }
    assertThat(new ArrayList<>(m.entrySet())).containsExactlyElementsOf(ref.entrySet());
  }

  @Test
  void nullKeysAndValuesAsInLinkedHashMap() {
    FieldMap m = new FieldMap();
    m.put(null, 1);
    m.put("a", null);
    assertThat(m.get(null)).isEqualTo(1);
    assertThat(m.containsKey("a")).isTrue();
    assertThat(m.putIfAbsent("a", 5)).isNull();
    assertThat(m.get("a")).isEqualTo(5);
    assertThat(m.remove(null)).isEqualTo(1);
    assertThat(m).containsExactly(Map.entry("a", 5));
  }

  @Test
  void eventViews() {
    Event e = new Event("syslog", null, Instant.EPOCH, "x");
    e.put("user", "root").put(Fields.HOST_NAME, "h").put("z", 1);
    assertThat(e.fields().keySet()).containsExactly(Fields.USER_NAME, Fields.HOST_NAME, "z");
    assertThatThrownBy(() -> e.fields().put("a", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> e.fields().entrySet().iterator().next().setValue(1))
        .isInstanceOf(UnsupportedOperationException.class);
    e.put("z", null);
    e.putIfAbsent(Fields.HOST_NAME, "other");
    assertThat(e.getString("hostname")).isEqualTo("h");
    assertThat(e.fields()).containsExactly(Map.entry(Fields.USER_NAME, "root"), Map.entry(Fields.HOST_NAME, "h"));
    for (Map.Entry<String, Object> f : e.mutableFields().entrySet()) {
      f.setValue("[REDACTED]");
    }
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("[REDACTED]");
    assertThat(e.toString()).contains("fields={" + Fields.USER_NAME + "=[REDACTED], " + Fields.HOST_NAME + "=[REDACTED]}");
  }
}
