package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LeefParserTest {
  @Test
  void leefTwoDelimiterMayBeACharacterOrHex() {
    assertThat(LeefParser.delimiter("^")).isEqualTo('^');
    assertThat(LeefParser.delimiter("x5E")).isEqualTo('^');
    assertThat(LeefParser.delimiter("0x7C")).isEqualTo('|');
    assertThat(LeefParser.parse("LEEF:2.0|V|P|1|E|0x7C|a=1|b=2", 0).attributes).containsEntry("a", "1").containsEntry("b", "2");
  }

  @Test
  void leefOneWithSpacesInsteadOfTabsIsStillRead() {
    assertThat(LeefParser.parse("LEEF:1.0|V|P|1|E|src=1.2.3.4 msg=two words", 0).attributes)
        .containsEntry("src", "1.2.3.4").containsEntry("msg", "two words");
  }

  @Test
  void attributesWithoutEqualsAreRejected() {
    assertThatThrownBy(() -> LeefParser.parse("LEEF:1.0|V|P|1|E|junk", 0)).isInstanceOf(BodyFormatException.class);
    assertThatThrownBy(() -> LeefParser.parse("LEEF:1.0|V|P", 0)).hasMessageContaining("2 of 5");
  }
}
