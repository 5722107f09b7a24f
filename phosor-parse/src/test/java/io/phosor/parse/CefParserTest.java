package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CefParserTest {
  @Test
  void valuesRunToTheNextKeyAndKeepInnerSpacesPipesAndEquals() {
    CefParser.Cef c = CefParser.parse("CEF:0|V|P|1|2|N|3|cs6=A | B | C msg=status=ok reason=none x=\\\\home\\\\ y=", 0);
    assertThat(c.extensions).containsEntry("cs6", "A | B | C").containsEntry("msg", "status=ok")
        .containsEntry("reason", "none").containsEntry("x", "\\home\\").containsEntry("y", "");
  }

  @Test
  void leadingSpaceIsKeptTrailingSpaceIsTrimmed() {
    CefParser.Cef c = CefParser.parse("CEF:0|V|P|1|2|N|3|msg= hello   spt=1", 0);
    assertThat(c.extensions).containsEntry("msg", " hello").containsEntry("spt", "1");
  }

  @Test
  void brokenRecordsAreRejectedWithThePosition() {
    assertThatThrownBy(() -> CefParser.parse("CEF:0|V|P|1|2|N|", 0)).hasMessageContaining("6 of 7");
    assertThatThrownBy(() -> CefParser.parse("CEF:0|V|P|1|2|N|3|act=Accept =0.0.0.0", 0))
        .hasMessageContaining("without a key");
  }
}
