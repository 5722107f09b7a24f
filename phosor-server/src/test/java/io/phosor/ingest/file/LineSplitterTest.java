package io.phosor.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
  private static final String[] PIECES = {"a", "b", "\r", "c", "é", "€", "😀"};

  private static List<LineSplitter.Line> feed(LineSplitter s, byte[] bytes, long at) {
    List<LineSplitter.Line> out = new ArrayList<>();
    s.feed(bytes, 0, bytes.length, at, out);
    return out;
  }

  @Test
  void linesEndAtLfWithTheOffsetJustPastIt() {
    LineSplitter s = new LineSplitter(100);
    List<LineSplitter.Line> out = feed(s, "ab\ncde\n".getBytes(StandardCharsets.UTF_8), 10);
    assertThat(out).containsExactly(new LineSplitter.Line("ab", 13, false), new LineSplitter.Line("cde", 17, false));
  }

  @Test
  void aCrBeforeTheLfIsStrippedButNotElsewhere() {
    LineSplitter s = new LineSplitter(100);
    assertThat(feed(s, "a\rb\r\n".getBytes(StandardCharsets.UTF_8), 0)).extracting(LineSplitter.Line::text)
        .containsExactly("a\rb");
  }

  @Test
  void aPartialLineWaitsAcrossFeeds() {
    LineSplitter s = new LineSplitter(100);
    assertThat(feed(s, "hel".getBytes(StandardCharsets.UTF_8), 0)).isEmpty();
    assertThat(s.pendingBytes()).isEqualTo(3);
    assertThat(feed(s, "lo\n".getBytes(StandardCharsets.UTF_8), 3)).containsExactly(new LineSplitter.Line("hello", 6, false));
    assertThat(s.pendingBytes()).isZero();
  }

  @Test
  void aCrAndLfSplitAcrossFeedsIsStillStripped() {
    LineSplitter s = new LineSplitter(100);
    feed(s, "x\r".getBytes(StandardCharsets.UTF_8), 0);
    assertThat(feed(s, "\n".getBytes(StandardCharsets.UTF_8), 2)).extracting(LineSplitter.Line::text).containsExactly("x");
  }

  @Test
  void malformedUtf8IsReplacedNotRejected() {
    LineSplitter s = new LineSplitter(100);
    byte[] bad = {'o', 'k', (byte) 0xC3, '(', (byte) 0xFF, '\n'};
    assertThat(feed(s, bad, 0).get(0).text()).isEqualTo("ok\uFFFD(\uFFFD");
  }

  @Test
  void anOverlongLineIsCutOnACharacterBoundaryAndFlagged() {
    LineSplitter s = new LineSplitter(10);
    // "aaaaaaaaa" (9 bytes) then a 2-byte é that would straddle the 10-byte limit
    byte[] line = ("aaaaaaaaa" + "é".repeat(5) + "\nnext\n").getBytes(StandardCharsets.UTF_8);
    List<LineSplitter.Line> out = feed(s, line, 0);
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isEqualTo(new LineSplitter.Line("aaaaaaaaa", 20, true));
    assertThat(out.get(1)).isEqualTo(new LineSplitter.Line("next", 25, false));
  }

  @Test
  void flushReturnsTheUnterminatedLastLine() {
    LineSplitter s = new LineSplitter(100);
    feed(s, "a\ntail".getBytes(StandardCharsets.UTF_8), 0);
    assertThat(s.flush(6)).isEqualTo(new LineSplitter.Line("tail", 6, false));
    assertThat(s.flush(6)).isNull();
  }

  @Test
  void splittingInRandomChunksGivesTheSameLinesAsSplittingAtOnce() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      int len = r.nextInt(40);
      for (int j = 0; j < len; j++) {
        sb.append(PIECES[r.nextInt(PIECES.length)]);
      }
      sb.append(r.nextInt(4) == 0 ? "\r\n" : "\n");
    }
    byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
    List<LineSplitter.Line> expected = feed(new LineSplitter(32), all, 0);
    LineSplitter chunked = new LineSplitter(32);
    List<LineSplitter.Line> actual = new ArrayList<>();
    int pos = 0;
    while (pos < all.length) {
      int n = Math.min(all.length - pos, 1 + r.nextInt(50));
      chunked.feed(all, pos, n, pos, actual);
      pos += n;
    }
    assertThat(actual).as("seed %d", seed).isEqualTo(expected);
    assertThat(expected).hasSize(500);
  }
}
