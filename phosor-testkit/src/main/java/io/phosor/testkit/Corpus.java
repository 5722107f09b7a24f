package io.phosor.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to the third-party test corpus that lives beside the repository ({@code ../shared/corpus}).
 * Conformance tests call {@link #require(String)}; on a clone without the corpus they are skipped with
 * a message on the console, never silently.
 */
public final class Corpus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Corpus() {}

  /** The corpus root: env {@code PHOSOR_CORPUS_DIR}, system property {@code phosor.corpus.dir} (set by the build), or ../shared/corpus. */
  public static Path root() {
    String p = System.getenv("PHOSOR_CORPUS_DIR");
    if (p == null || p.isBlank()) {
      p = System.getProperty("phosor.corpus.dir");
    }
    if (p == null || p.isBlank()) {
      p = "../shared/corpus";
    }
    return Path.of(p).toAbsolutePath().normalize();
  }

  /** Returns the corpus file or folder at {@code relative}, or skips the calling test with a visible message. */
  public static Path require(String relative) {
    Path path = root().resolve(relative);
    if (!Files.exists(path)) {
      String msg = "SKIPPED (corpus not found): " + path
          + " - set PHOSOR_CORPUS_DIR or -Dphosor.corpus.dir to the shared corpus to run this conformance test";
      System.err.println("[phosor-corpus] " + msg);
      Assumptions.abort(msg);
    }
    return path;
  }

  /** Reads a JSON Lines file of the corpus (skipping the test when it is absent). */
  public static List<JsonNode> jsonl(String relative) {
    Path path = require(relative);
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(JSON.readTree(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
