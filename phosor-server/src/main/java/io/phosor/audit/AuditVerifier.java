package io.phosor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Checks an audit trail end to end ({@code phosor audit verify}): every line complete and well-formed,
 * seq numbers 1, 2, 3... with no gap across files, every {@code prev} equal to the hash of the entry
 * before, every hash equal to SHA-256 over prev and the canonical line ({@link AuditLine}), and the last
 * entry not older than the head file says. Stops at the first problem and says where it is.
 */
public final class AuditVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The first problem found.
   *
   * @param file the file it is in (the head file for entries missing from the end)
   * @param line its line number in the file (1-based; 0 when it is about the head file)
   * @param seq the entry seq expected there
   * @param message what is wrong
   */
  public record Problem(Path file, long line, long seq, String message) {
    /** One line for a person: where and what. */
    @Override
    public String toString() {
      return file.getFileName() + (line > 0 ? " line " + line : "") + " (entry " + seq + "): " + message;
    }
  }

  /**
   * The outcome.
   *
   * @param entries entries verified before the problem (all of them when there is none)
   * @param files day files read
   * @param lastHash hash of the last verified entry
   * @param problem the first problem, or null when the trail is intact
   */
  public record Result(long entries, int files, String lastHash, Problem problem) {
    /** True when no problem was found. */
    public boolean ok() {
      return problem == null;
    }
  }

  private AuditVerifier() {}

  /** Verifies the trail in {@code dir} (safe while the server writes to it: an entry being written may show as truncated). */
  public static Result verify(Path dir) throws IOException {
    // The head first: the writer updates it only after the entries are on disk, so a head read before the
    // files never runs ahead of them, even while the server appends.
    AuditFiles.Head head = AuditFiles.readHead(dir);
    List<Path> files = AuditFiles.list(dir);
    long expected = 1;
    String prev = AuditLine.GENESIS;
    for (Path f : files) {
      long lineNo = 0;
      try (Lines r = new Lines(Files.newInputStream(f))) {
        int status;
        while ((status = r.next()) != Lines.END) {
          lineNo++;
          long verified = expected - 1;
          if (status == Lines.PARTIAL) {
            return broken(verified, files, prev, f, lineNo, expected, "truncated: the file ends in the middle of an entry ("
                + r.length + " bytes without a line end)");
          }
          if (r.tooLong) {
            return broken(verified, files, prev, f, lineNo, expected, "damaged: a line longer than "
                + AuditFiles.MAX_LINE_BYTES + " bytes is not an entry");
          }
          String hash = AuditLine.hashOf(r.line, r.length);
          JsonNode n = parse(r.line, r.length);
          if (hash == null || n == null || !n.path("seq").canConvertToLong() || !n.path("prev").isTextual()) {
            return broken(verified, files, prev, f, lineNo, expected, "damaged: not an audit entry (it must be a JSON "
                + "object with seq and prev, ending in its hash)");
          }
          long seq = n.get("seq").asLong();
          if (seq > expected) {
            return broken(verified, files, prev, f, lineNo, expected, (seq - expected == 1 ? "entry " + expected + " is"
                : "entries " + expected + " to " + (seq - 1) + " are") + " missing: the next entry found is " + seq);
          }
          if (seq < expected) {
            return broken(verified, files, prev, f, lineNo, expected, "entry " + seq + " is out of order (expected "
                + expected + "): duplicated or moved");
          }
          if (!prev.equals(n.get("prev").asText())) {
            return broken(verified, files, prev, f, lineNo, expected, "prev does not match the hash of "
                + (seq == 1 ? "the start of the chain" : "entry " + (seq - 1))
                + ": an earlier entry was changed, or entries were removed or inserted");
          }
          if (!AuditLine.hash(prev, AuditLine.canonical(r.line, r.length)).equals(hash)) {
            return broken(verified, files, prev, f, lineNo, expected, "hash mismatch: the entry was changed after it "
                + "was written");
          }
          if (head != null && head.seq() == seq && !head.hash().equals(hash)) {
            return broken(verified, files, prev, f, lineNo, expected, "the entry does not match the hash the head "
                + "file records for it: it was replaced");
          }
          prev = hash;
          expected++;
        }
      }
    }
    long count = expected - 1;
    if (head != null && head.seq() > count) {
      return broken(count, files, prev, dir.resolve(AuditFiles.HEAD), 0, expected, (head.seq() == expected
          ? "entry " + expected + " is" : "entries " + expected + " to " + head.seq() + " are")
          + " missing from the end: the head file records entry " + head.seq());
    }
    return new Result(count, files.size(), prev, null);
  }

  private static Result broken(long verified, List<Path> files, String prev, Path file, long line, long seq,
      String message) {
    return new Result(verified, files.size(), prev, new Problem(file, line, seq, message));
  }

  private static JsonNode parse(byte[] line, int length) {
    try {
      JsonNode n = JSON.readTree(line, 0, length);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Lines of a stream as bytes, each bounded to {@link AuditFiles#MAX_LINE_BYTES}. */
  private static final class Lines implements Closeable {
    static final int COMPLETE = 0;
    static final int PARTIAL = 1;
    static final int END = 2;

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    byte[] line = new byte[1024];
    int length;
    boolean tooLong;

    Lines(InputStream in) {
      this.in = in;
    }

    int next() throws IOException {
      length = 0;
      tooLong = false;
      boolean any = false;
      while (true) {
        if (pos == lim) {
          int n = in.read(buf);
          if (n <= 0) {
            return any ? PARTIAL : END;
          }
          pos = 0;
          lim = n;
        }
        any = true;
        int start = pos;
        while (pos < lim && buf[pos] != '\n') {
          pos++;
        }
        add(start, pos);
        if (pos < lim) {
          pos++;
          return COMPLETE;
        }
      }
    }

    private void add(int from, int to) {
      int n = to - from;
      if (tooLong || length + n > AuditFiles.MAX_LINE_BYTES) {
        tooLong = true;
        length += n;
        return;
      }
      if (length + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
      }
      System.arraycopy(buf, from, line, length, n);
      length += n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
