package io.phosor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReverseLinesTest {
  @TempDir
  Path dir;

  private List<String> backwards(Path f) throws Exception {
    List<String> out = new ArrayList<>();
    try (ReverseLines r = new ReverseLines(f)) {
      for (String l = r.next(); l != null; l = r.next()) {
        out.add(l);
      }
    }
    return out;
  }

  @Test
  void returnsTheSameLinesAsAForwardReadInReverseOrderForRandomFiles() throws Exception {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    for (int round = 0; round < 40; round++) {
      List<String> lines = new ArrayList<>();
      int n = rnd.nextInt(200);
      for (int i = 0; i < n; i++) {
        // lengths around the block size as well as short ones, with multi-byte characters
        int len = rnd.nextInt(10) == 0 ? ReverseLines.BLOCK - 50 + rnd.nextInt(100) : rnd.nextInt(300);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < len; k++) {
          sb.append(rnd.nextInt(20) == 0 ? 'é' : (char) ('a' + rnd.nextInt(26)));
        }
        lines.add(sb.toString());
      }
      Path f = dir.resolve("f" + round);
      String text = String.join("\n", lines) + (n > 0 ? "\n" : "");
      boolean torn = rnd.nextBoolean();
      Files.writeString(f, text + (torn ? "unfinished" : ""), StandardCharsets.UTF_8);
      List<String> expected = new ArrayList<>(lines);
      Collections.reverse(expected);
      assertThat(backwards(f)).as("seed %d round %d", seed, round).isEqualTo(expected);
    }
  }

  @Test
  void anEmptyFileAndAFileWithOnlyAnUnfinishedLineHaveNoLines() throws Exception {
    Files.writeString(dir.resolve("empty"), "");
    Files.writeString(dir.resolve("torn"), "{\"seq\":1");
    assertThat(backwards(dir.resolve("empty"))).isEmpty();
    assertThat(backwards(dir.resolve("torn"))).isEmpty();
  }
}
