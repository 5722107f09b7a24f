package io.phosor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the trail newest first with filters, for {@code GET /api/audit}: day files from the newest, each
 * from its end ({@link ReverseLines}), skipping files that cannot hold a match.
 */
final class AuditReader {
  /**
   * Entries examined per request at most, so a filter that matches almost nothing never reads the whole
   * history in one request (about a tenth of a second of parsing); the caller continues from the cursor.
   */
  static final int MAX_SCAN = 200_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Files cached by {@link #FIRST_SEQ} at most: years of day files; beyond it the cache starts over. */
  private static final int MAX_CACHED_FILES = 10_000;
  /**
   * The first seq of each day file: a written line never changes (if it does, that is for {@code verify} to
   * say), so paging far back does not re-read the start of every newer file on every request.
   */
  private static final ConcurrentHashMap<Path, Long> FIRST_SEQ = new ConcurrentHashMap<>();

  /**
   * What to read.
   *
   * @param actor exact actor, or null
   * @param action exact action, or a prefix ending in {@code *}, or null
   * @param outcome exact outcome, or a status class like {@code 4xx}, or null
   * @param from earliest time (inclusive), or null
   * @param to latest time (exclusive), or null
   * @param before only entries with a smaller seq (the paging cursor), or null
   * @param limit most entries returned
   */
  record Query(String actor, String action, String outcome, Instant from, Instant to, Long before, int limit) {}

  /**
   * A page, newest first.
   *
   * @param entries the entries as written
   * @param nextBefore the cursor for the next page, or null when the start of the trail was reached
   */
  record Page(List<JsonNode> entries, Long nextBefore) {}

  private AuditReader() {}

  static Page read(Path dir, Query q) throws IOException {
    List<Path> files = AuditFiles.list(dir);
    List<JsonNode> out = new ArrayList<>();
    long scanned = 0;
    for (int k = files.size() - 1; k >= 0; k--) {
      Path f = files.get(k);
      LocalDate day = AuditFiles.day(f);
      // An entry goes to the file of its own UTC day or a later one, never an older one: every entry in this
      // file and in all older ones was recorded before the end of this day.
      if (q.from() != null && !day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isAfter(q.from())) {
        break;
      }
      // Entries land in a later day's file only near midnight; a day of margin covers that and clock steps.
      if (q.to() != null && !day.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(q.to())) {
        continue;
      }
      if (q.before() != null) {
        long first = firstSeq(f);
        if (first >= q.before()) {
          continue;
        }
      }
      try (ReverseLines r = new ReverseLines(f)) {
        String line;
        while ((line = r.next()) != null) {
          long seq = seqPrefix(line);
          if (q.before() != null && seq >= q.before()) {
            continue; // newer than the cursor: skipped by its prefix, not parsed, not counted
          }
          if (++scanned > MAX_SCAN) {
            return new Page(out, seq > 0 ? seq + 1 : null);
          }
          JsonNode n = parse(line);
          if (n != null && matches(n, q)) {
            out.add(n);
            if (out.size() == q.limit()) {
              return new Page(out, n.path("seq").asLong());
            }
          }
        }
      }
    }
    return new Page(out, null);
  }

  private static long firstSeq(Path f) throws IOException {
    Long cached = FIRST_SEQ.get(f);
    if (cached != null) {
      return cached;
    }
    long first = AuditFiles.firstSeq(f);
    if (first > 0) {
      if (FIRST_SEQ.size() >= MAX_CACHED_FILES) {
        FIRST_SEQ.clear();
      }
      FIRST_SEQ.put(f, first);
    }
    return first;
  }

  /** The seq a line starts with ({@code {"seq":123,}), or -1: the writer always puts it first. */
  static long seqPrefix(String line) {
    if (!line.startsWith("{\"seq\":")) {
      return -1;
    }
    long v = 0;
    int i = 7;
    int start = i;
    while (i < line.length() && i - start < 18 && Character.isDigit(line.charAt(i))) {
      v = v * 10 + (line.charAt(i) - '0');
      i++;
    }
    return i == start ? -1 : v;
  }

  private static JsonNode parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.isObject() && n.path("seq").canConvertToLong() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  static boolean matches(JsonNode n, Query q) {
    if (q.actor() != null && !q.actor().equals(n.path("actor").asText(null))) {
      return false;
    }
    if (q.action() != null) {
      String a = n.path("action").asText("");
      boolean ok = q.action().endsWith("*") ? a.startsWith(q.action().substring(0, q.action().length() - 1))
          : q.action().equals(a);
      if (!ok) {
        return false;
      }
    }
    if (q.outcome() != null) {
      String o = n.path("outcome").asText("");
      boolean statusClass = q.outcome().length() == 3 && q.outcome().endsWith("xx");
      boolean ok = statusClass ? o.length() == 3 && o.charAt(0) == q.outcome().charAt(0) && Character.isDigit(o.charAt(1))
          : q.outcome().equals(o);
      if (!ok) {
        return false;
      }
    }
    if (q.from() != null || q.to() != null) {
      Instant ts;
      try {
        ts = Instant.parse(n.path("ts").asText(""));
      } catch (DateTimeParseException e) {
        return false;
      }
      if (q.from() != null && ts.isBefore(q.from())) {
        return false;
      }
      if (q.to() != null && !ts.isBefore(q.to())) {
        return false;
      }
    }
    return true;
  }
}
