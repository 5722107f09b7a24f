package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KvParserTest {
  @Test
  void quotedValuesMayContainSpacesAndEscapedQuotes() {
    assertThat(KvParser.parse("a=\"x \\\"y\\\" z\" b='q r' c=", 0))
        .containsEntry("a", "x \"y\" z").containsEntry("b", "q r").containsEntry("c", "");
  }

  @Test
  void proseWithOnePairOrAnUnclosedQuoteIsNotKeyValue() {
    assertThat(KvParser.parse("failed for user=x", 0)).isNull();
    assertThat(KvParser.parse("a=1", 0)).isNull();
    assertThat(KvParser.parse("a=1 b=\"open", 0)).isNull();
  }
}
