package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/** Differential: {@link TextAnalyzer} must yield exactly {@link StandardAnalyzer}'s tokens (existing partitions). */
class TextAnalyzerTest {
  private static final String[] LINES = {
      "<38>Nov 21 23:30:00 srv06 sshd[58858]: Failed password for ftpuser from 223.119.168.199 port 19081 ssh2",
      "107.43.59.213 - - [21/Nov/2024:23:30:00 +0000] \"GET /account/failed-password-reset HTTP/1.1\" 304 27479 \"-\""
          + " \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0\"",
      "pam_unix(sudo:session): session opened for user root(uid=0) by olivia9(uid=1264)",
      "The AND of a stop-word list: it's THE end, isn't it? e.g. U.S.A. 3,14 x_y ÄÖÜ ß İstanbul 日本語 😀",
      "a".repeat(300) + " " + "b".repeat(255) + " " + "c".repeat(256),
      "",
  };
  private static final String ALPHABET = "aZ09 .,:;'_-/\\()[]\"<>=@#é日😀\t\nİß";

  @Test
  void yieldsTheSameTokensAsTheStandardAnalyzer() throws IOException {
    try (Analyzer expected = new StandardAnalyzer(); Analyzer actual = new TextAnalyzer()) {
      for (String line : LINES) {
        assertThat(tokens(actual, line)).as(line).isEqualTo(tokens(expected, line));
      }
    }
  }

  @Test
  void yieldsTheSameTokensAsTheStandardAnalyzerOnRandomText() throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    try (Analyzer expected = new StandardAnalyzer(); Analyzer actual = new TextAnalyzer()) {
      for (int i = 0; i < 2_000; i++) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(80);
        for (int j = 0; j < n; j++) {
          s.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, random.nextInt(
              ALPHABET.codePointCount(0, ALPHABET.length())))));
        }
        String text = s.toString();
        assertThat(tokens(actual, text)).as("seed %d, text %s", seed, text).isEqualTo(tokens(expected, text));
      }
    }
  }

  @Test
  void normalizesQueryTermsLikeTheStandardAnalyzer() {
    try (Analyzer expected = new StandardAnalyzer(); Analyzer actual = new TextAnalyzer()) {
      for (String term : new String[] {"Failed", "ROOT*", "İstanbul", "ÄÖÜ"}) {
        BytesRef a = actual.normalize("message", term);
        assertThat(a).as(term).isEqualTo(expected.normalize("message", term));
      }
    }
  }

  private static List<String> tokens(Analyzer analyzer, String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("message", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      TypeAttribute type = ts.addAttribute(TypeAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term + " +" + inc.getPositionIncrement() + " " + offset.startOffset() + "-" + offset.endOffset()
            + " " + type.type());
      }
      ts.end();
      out.add("end " + offset.endOffset() + " +" + inc.getPositionIncrement());
    }
    return out;
  }
}
