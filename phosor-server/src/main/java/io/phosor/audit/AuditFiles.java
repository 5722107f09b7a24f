package io.phosor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of the audit trail in its directory: one {@code audit-YYYY-MM-DD.jsonl} per UTC day (the chain
 * runs on across files), and {@code head}, the last entry's seq and hash, rewritten after every group so
 * that entries cut from the end of the trail are noticed.
 */
final class AuditFiles {
  private static final Pattern NAME = Pattern.compile("audit-(\\d{4}-\\d{2}-\\d{2})\\.jsonl");
  static final String HEAD = "head";
  /** A line longer than this was not written by Phosor (entries are bounded far below); it is not read whole. */
  static final int MAX_LINE_BYTES = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last entry written, as the head file records it. */
  record Head(long seq, String hash) {}

  private AuditFiles() {}

  /** The day files, oldest first. */
  static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** The file for {@code day}. */
  static Path file(Path dir, LocalDate day) {
    return dir.resolve("audit-" + day + ".jsonl");
  }

  /** The day a file is for. */
  static LocalDate day(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not an audit file: " + file);
    }
    return LocalDate.parse(m.group(1));
  }

  /** The head file's record, or null when there is none or it cannot be read. */
  static Head readHead(Path dir) {
    Path f = dir.resolve(HEAD);
    try {
      if (!Files.isRegularFile(f) || Files.size(f) > 4096) {
        return null;
      }
      JsonNode n = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
      if (n == null || !n.path("seq").canConvertToLong() || !n.path("hash").isTextual()) {
        return null;
      }
      return new Head(n.get("seq").asLong(), n.get("hash").asText());
    } catch (IOException e) {
      return null;
    }
  }

  /** Replaces the head file atomically. */
  static void writeHead(Path dir, long seq, String hash) throws IOException {
    Path tmp = dir.resolve(HEAD + ".tmp");
    Files.writeString(tmp, "{\"seq\":" + seq + ",\"hash\":\"" + hash + "\"}\n", StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(HEAD), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The seq of a file's first entry, or -1 when it has none that can be read. */
  static long firstSeq(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
      byte[] b = new byte[4096];
      int n;
      while (line.size() < MAX_LINE_BYTES && (n = in.read(b)) > 0) {
        for (int i = 0; i < n; i++) {
          if (b[i] == '\n') {
            line.write(b, 0, i);
            return seqOf(line.toString(StandardCharsets.UTF_8));
          }
        }
        line.write(b, 0, n);
      }
      return -1;
    }
  }

  /** The seq of an entry line, or -1 when the line is not an entry. */
  static long seqOf(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.path("seq").canConvertToLong() ? n.get("seq").asLong() : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
