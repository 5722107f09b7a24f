package io.phosor.ingest.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Decides which paths may be tailed: a path is allowed when its real path (symbolic links resolved,
 * {@code ..} removed) lies strictly under the real path of one of the allowed directories. Paths
 * outside are refused with 403 whether or not they exist, so the API does not reveal what exists
 * elsewhere on the host.
 */
final class PathGuard {
  /** Linux PATH_MAX: no real path is longer, so a longer input is a mistake or an attack. */
  static final int MAX_PATH_CHARS = 4096;

  private final List<Path> allowedDirs;
  private final String allowedText;

  PathGuard(List<Path> allowedDirs) {
    this.allowedDirs = List.copyOf(allowedDirs);
    this.allowedText = allowedDirs.stream().map(Path::toString).collect(Collectors.joining(","));
  }

  /**
   * Checks a path given through the API and returns it absolute and normalized. Accepts an existing
   * readable regular file, or a file that does not exist yet in an existing allowed directory.
   *
   * @throws FileAccessException 400 for a malformed, relative, non-regular or unreadable path, 403 for
   *     a path outside the allowed directories, 404 for a path whose directory does not exist
   */
  Path check(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new FileAccessException(400, "filepath is required");
    }
    if (raw.length() > MAX_PATH_CHARS) {
      throw new FileAccessException(400,
          "filepath is " + raw.length() + " characters long; the limit is " + MAX_PATH_CHARS);
    }
    if (raw.indexOf('\0') >= 0) {
      throw new FileAccessException(400, "filepath contains a NUL character");
    }
    Path p;
    try {
      p = Path.of(raw);
    } catch (InvalidPathException e) {
      throw new FileAccessException(400, "filepath is not a valid path: " + e.getReason());
    }
    if (!p.isAbsolute()) {
      throw new FileAccessException(400, "filepath must be absolute, was '" + raw + "'");
    }
    Path norm = p.normalize();
    try {
      Path real = norm.toRealPath();
      if (!allows(real)) {
        throw outside(norm);
      }
      if (!Files.isRegularFile(real)) {
        throw new FileAccessException(400, norm + " is not a regular file");
      }
      if (!Files.isReadable(real)) {
        throw new FileAccessException(400, norm + " is not readable by the Phosor process (user "
            + System.getProperty("user.name") + "); grant read access, e.g. add the user to group adm");
      }
      return norm;
    } catch (NoSuchFileException e) {
      return checkMissing(norm);
    } catch (AccessDeniedException e) {
      if (!allowsLexically(norm)) {
        throw outside(norm);
      }
      throw new FileAccessException(400, norm + " cannot be resolved: permission denied on " + e.getFile());
    } catch (IOException e) {
      if (!allowsLexically(norm)) {
        throw outside(norm);
      }
      throw new FileAccessException(400, norm + " cannot be resolved: " + e);
    }
  }

  /** A file that does not exist yet is accepted when its directory exists and is allowed. */
  private Path checkMissing(Path norm) {
    Path parent = norm.getParent();
    if (parent == null) {
      throw outside(norm);
    }
    try {
      Path parentReal = parent.toRealPath();
      if (!allows(parentReal.resolve(norm.getFileName()))) {
        throw outside(norm);
      }
      if (!Files.isDirectory(parentReal)) {
        throw new FileAccessException(400, parent + " is not a directory");
      }
      return norm;
    } catch (IOException e) {
      if (!allowsLexically(norm)) {
        throw outside(norm);
      }
      throw new FileAccessException(404, norm + " does not exist and neither does its directory " + parent);
    }
  }

  /** True when {@code real} (an already resolved path) lies strictly under an allowed directory. */
  boolean allows(Path real) {
    for (Path dir : realDirs()) {
      if (real.startsWith(dir) && !real.equals(dir)) {
        return true;
      }
    }
    return false;
  }

  private boolean allowsLexically(Path norm) {
    for (Path dir : allowedDirs) {
      Path d = dir.normalize();
      if (norm.startsWith(d) && !norm.equals(d)) {
        return true;
      }
    }
    return false;
  }

  /** Resolved on every call: an allowed directory may be created, or be a symlink that changes. */
  private List<Path> realDirs() {
    List<Path> out = new ArrayList<>(allowedDirs.size());
    for (Path d : allowedDirs) {
      try {
        out.add(d.toRealPath());
      } catch (IOException e) {
        out.add(d.normalize());
      }
    }
    return out;
  }

  FileAccessException outside(Path norm) {
    String dirs = allowedText.isEmpty() ? "PHOSOR_FILE_ALLOWED_DIRS is empty, so file tailing is disabled"
        : "PHOSOR_FILE_ALLOWED_DIRS=" + allowedText;
    return new FileAccessException(403, norm + " is outside the allowed directories (" + dirs + ")");
  }
}
