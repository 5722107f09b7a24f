package io.phosor.ingest.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * The identity of a file independent of its name: device and inode (what {@code fileKey()} holds on
 * Unix). Two different identities at the same path mean the file was replaced (rotation by rename);
 * the same identity with a smaller size means it was truncated in place (copy-truncate).
 *
 * @param device the device id ({@code st_dev}), or -1 off Unix
 * @param inode the inode number ({@code st_ino}), or a hash of {@code fileKey()} off Unix
 */
record FileId(long device, long inode) {

  /** What a stat of a path says, for rotation checks. */
  record Stat(FileId id, long size, boolean regular) {}

  /** Stats {@code p}, following symbolic links unless {@code options} says otherwise. */
  static Stat stat(Path p, LinkOption... options) throws IOException {
    try {
      Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino,size,isRegularFile", options);
      return new Stat(new FileId((Long) a.get("dev"), (Long) a.get("ino")), (Long) a.get("size"),
          (Boolean) a.get("isRegularFile"));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // Not a Unix file system: best effort with the opaque file key.
      BasicFileAttributes b = Files.readAttributes(p, BasicFileAttributes.class, options);
      Object key = b.fileKey();
      return new Stat(new FileId(-1, key == null ? -1 : key.hashCode()), b.size(), b.isRegularFile());
    }
  }

  /** Stats {@code p}, or returns null when it does not exist. */
  static Stat statOrNull(Path p) throws IOException {
    try {
      return stat(p);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return device + ":" + inode;
  }
}
