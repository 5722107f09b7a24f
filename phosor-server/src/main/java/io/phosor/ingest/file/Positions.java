package io.phosor.ingest.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The positions file {@code <data_dir>/file-positions.json}: the list of tailed files with, for each,
 * the identity of the file and the offset up to which its lines are durable in the journal, plus
 * {@code journalSeq}, a journal sequence number such that every file event at or below it is reflected
 * in the offsets. Written to a temporary file, forced, then atomically renamed over the old one.
 */
final class Positions {
  static final String FILE_NAME = "file-positions.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int VERSION = 1;

  /** One file's saved position; {@code id} is null when nothing of it has been journaled yet. */
  record Entry(String path, FileId id, long offset) {}

  /** The whole file. */
  record State(long journalSeq, List<Entry> files) {}

  private final Path file;
  private PositionKeeper keeper;

  Positions(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  /** Keeps the state in {@code keeper} (the server's store) instead of the file; a file left from before is imported. */
  void keepIn(PositionKeeper keeper) {
    this.keeper = keeper;
  }

  Path file() {
    return file;
  }

  /** Reads the saved state; an empty state when there is no file yet. */
  State load() throws IOException {
    if (keeper != null) {
      String json = keeper.load();
      if (json != null) {
        return parse(MAPPER.readTree(json));
      }
      if (Files.exists(file)) {
        State imported = parse(MAPPER.readTree(file.toFile()));
        save(imported);
        Files.move(file, file.resolveSibling(FILE_NAME + ".imported"), StandardCopyOption.REPLACE_EXISTING);
        return imported;
      }
      return new State(0, List.of());
    }
    if (!Files.exists(file)) {
      return new State(0, List.of());
    }
    return parse(MAPPER.readTree(file.toFile()));
  }

  private State parse(JsonNode root) throws IOException {
    if (root == null || !root.isObject()) {
      throw new IOException(file + " is not a JSON object");
    }
    long seq = root.path("journalSeq").asLong(0);
    List<Entry> out = new ArrayList<>();
    for (JsonNode f : root.path("files")) {
      String path = f.path("path").asText(null);
      if (path == null || path.isEmpty()) {
        throw new IOException(file + ": an entry has no path");
      }
      FileId id = f.hasNonNull("inode") ? new FileId(f.path("device").asLong(-1), f.path("inode").asLong()) : null;
      out.add(new Entry(path, id, Math.max(0, f.path("offset").asLong(0))));
    }
    return new State(seq, List.copyOf(out));
  }

  /** Replaces the saved state atomically and durably. */
  void save(State state) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", VERSION);
    root.put("journalSeq", state.journalSeq());
    ArrayNode files = root.putArray("files");
    for (Entry e : state.files()) {
      ObjectNode f = files.addObject();
      f.put("path", e.path());
      if (e.id() != null) {
        f.put("device", e.id().device());
        f.put("inode", e.id().inode());
      }
      f.put("offset", e.offset());
    }
    if (keeper != null) {
      try {
        keeper.save(MAPPER.writeValueAsString(root), state.files().stream().map(Entry::path).toList());
      } catch (RuntimeException e) {
        throw new IOException(e.getMessage(), e);
      }
      return;
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Some file systems cannot open a directory; the file itself was forced.
    }
  }
}
