package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void oneLineTurnsEveryControlCharacterIntoOneSpaceAndCuts() {
    assertThat(Text.oneLine("a\r\nb\tc\u2028d\u0085e  f", 100)).isEqualTo("a b c d e f");
    assertThat(Text.oneLine("abcdef", 4)).isEqualTo("abc…");
    assertThat(Text.oneLine(null, 4)).isEmpty();
  }

  @Test
  void cuttingNeverSplitsASurrogatePair() {
    String s = "ab\uD83D\uDE00cd"; // an emoji is two chars
    assertThat(Text.cut(s, 4)).isEqualTo("ab…");
  }

  @Test
  void slackEscapingCoversItsThreeControlCharacters() {
    assertThat(Text.slack("<!here> & <@U1>")).isEqualTo("&lt;!here&gt; &amp; &lt;@U1&gt;");
  }

  @Test
  void scrubbingReplacesTheWholeUrlBeforeItsParts() {
    URI url = URI.create("https://hooks.slack.com/services/T0000/B0000/XXXXsecretXXXXXX?sig=abcdefgh12");
    String text = "failed for " + url + " and XXXXsecretXXXXXX and abcdefgh12";
    String out = Text.scrub(text, Http.secretsOf(url));
    assertThat(out).isEqualTo("failed for [redacted] and [redacted] and [redacted]");
  }

  @Test
  void shortStringsAreNotTreatedAsSecrets() {
    assertThat(Text.scrub("a b c", List.of("a", "b"))).isEqualTo("a b c");
  }

  @Test
  void aDeliveryIdIsHeaderSafe() {
    assertThat(Signer.deliveryId("phosor-incident-1:disable_account:jöhn doe\r\n")).isEqualTo(
        "phosor-incident-1:disable_account:j_hn_doe__");
    assertThat(Signer.deliveryId(null)).isEqualTo("phosor");
  }
}
