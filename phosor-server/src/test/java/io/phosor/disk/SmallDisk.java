package io.phosor.disk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real small file system for disk-full tests: a tmpfs with a size limit mounted on a temporary directory.
 * Mounting needs root (CI runs as root); elsewhere the test is skipped with a visible message.
 */
public final class SmallDisk implements AutoCloseable {
  private final Path dir;

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code bytes} on {@code dir}, or skips the calling test saying why. */
  public static SmallDisk mount(Path dir, long bytes) throws Exception {
    String why = null;
    try {
      Process p = new ProcessBuilder(List.of("mount", "-t", "tmpfs", "-o", "size=" + bytes, "phosor-test", dir.toString()))
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        why = "mount failed: " + out;
      }
    } catch (IOException e) {
      why = "cannot run mount: " + e.getMessage();
    }
    if (why != null) {
      System.out.println("[phosor-disk] disk-full test SKIPPED: needs root to mount a small tmpfs (" + why + ")");
      Assumptions.abort("needs root to mount a small tmpfs: " + why);
    }
    return new SmallDisk(dir);
  }

  /** Fills the file system with {@code name} until the disk is full; returns the bytes written. */
  public long fill(String name) throws IOException {
    byte[] block = new byte[64 * 1024];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(dir.resolve(name))) {
      while (true) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException full) {
      // full: what we wrote stays
    }
    // fill the last partial block too
    try (OutputStream out = Files.newOutputStream(dir.resolve(name + ".tail"))) {
      while (true) {
        out.write(0);
        written++;
      }
    } catch (IOException full) {
      // now nothing is left
    }
    return written;
  }

  /** Frees the space taken by {@link #fill}. */
  public void free(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(name));
    Files.deleteIfExists(dir.resolve(name + ".tail"));
  }

  @Override
  public void close() throws Exception {
    Process p = new ProcessBuilder(List.of("umount", "-l", dir.toString())).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor(20, TimeUnit.SECONDS);
  }
}
