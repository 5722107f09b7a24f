package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.lucene.search.FieldDoc;
import org.junit.jupiter.api.Test;

class CursorTest {
  @Test
  void aCursorCarriesTheLastEventsSortValues() {
    String c = Cursor.encode(1795255200000L, 42L);
    assertThat(c).matches("[A-Za-z0-9_-]+");
    FieldDoc d = Cursor.decode(c);
    assertThat(d.fields).containsExactly(1795255200000L, 42L);
    assertThat(Cursor.decode(null)).isNull();
    assertThat(Cursor.decode("")).isNull();
  }

  @Test
  void aForeignOrDamagedCursorIsRefused() {
    String c = Cursor.encode(1L, 2L);
    for (String bad : new String[] {"!!", c.substring(1), "AAAA", c + "AA"}) {
      assertThatThrownBy(() -> Cursor.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("was not issued by this index");
    }
  }
}
