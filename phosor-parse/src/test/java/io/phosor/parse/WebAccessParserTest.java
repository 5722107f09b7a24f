package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WebAccessParserTest {
  /** The plain char loop that {@link WebAccessParser#closingQuote} replaced: the reference. */
  private static int closingQuoteReference(String s, int p) {
    int n = s.length();
    while (p < n) {
      char c = s.charAt(p);
      if (c == '\\') {
        p += 2;
        continue;
      }
      if (c == '"') {
        return p;
      }
      p++;
    }
    return -1;
  }

  @Test
  void closingQuoteSkipsEscapesLikeACharLoop() {
    long seed = Long.getLong("phosor.test.seed", System.nanoTime());
    Random r = new Random(seed);
    char[] alphabet = {'a', '"', '\\', ' '};
    for (int round = 0; round < 50_000; round++) {
      char[] cs = new char[r.nextInt(12)];
      for (int i = 0; i < cs.length; i++) {
        cs[i] = alphabet[r.nextInt(alphabet.length)];
      }
      String s = new String(cs);
      int from = r.nextInt(cs.length + 2);
      assertThat(WebAccessParser.closingQuote(s, from))
          .as("seed %d (-Dphosor.test.seed=%d): closingQuote(\"%s\", %d)", seed, seed, s, from)
          .isEqualTo(closingQuoteReference(s, from));
    }
  }

  @Test
  void closingQuoteExamples() {
    assertThat(WebAccessParser.closingQuote("GET /a\" 200", 0)).isEqualTo(6);
    assertThat(WebAccessParser.closingQuote("x\\\"y\" z", 0)).isEqualTo(4);
    assertThat(WebAccessParser.closingQuote("x\\\\\"", 0)).isEqualTo(3);
    assertThat(WebAccessParser.closingQuote("cut off\\", 0)).isEqualTo(-1);
    assertThat(WebAccessParser.closingQuote("no quote", 0)).isEqualTo(-1);
  }
}
