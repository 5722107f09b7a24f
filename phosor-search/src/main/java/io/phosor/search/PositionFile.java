package io.phosor.search;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * {@code <index>/index.position}: the highest journal seq whose events are all durable in the index (or
 * were skipped on purpose). Written after every partition has committed, atomically (temp file, fsync,
 * rename, fsync of the directory), so a crash leaves either the old or the new value.
 */
final class PositionFile {
  static final String NAME = "index.position";
  private static final String HEADER = "phosor-index-position 1";

  private PositionFile() {}

  /** The recorded seq, or empty when the file is absent or unreadable. */
  static OptionalLong read(Path root) throws IOException {
    Path f = root.resolve(NAME);
    String text;
    try {
      text = Files.readString(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
    String[] lines = text.split("\n");
    if (lines.length < 2 || !lines[0].equals(HEADER)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(lines[1].trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Durably replaces the recorded seq. */
  static void write(Path root, long seq) throws IOException {
    Path tmp = root.resolve(NAME + ".tmp");
    byte[] bytes = (HEADER + "\n" + seq + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, root.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, root.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
    }
    fsyncDirectory(root);
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms cannot open a directory for fsync; the rename is still atomic
    }
  }
}
