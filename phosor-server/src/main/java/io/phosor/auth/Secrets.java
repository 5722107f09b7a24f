package io.phosor.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Secrets Phosor generates for itself on first start and keeps in {@code <data_dir>/secrets}, a
 * directory only the owner can read. There are no default passwords or tokens.
 */
public final class Secrets {
  /** 24 random bytes = 192 bits, far beyond guessing; hex keeps it copy-paste safe in headers. */
  private static final int TOKEN_BYTES = 24;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;

  /** Secrets stored under {@code dataDir/secrets}. */
  public Secrets(Path dataDir) {
    this.dir = dataDir.resolve("secrets");
  }

  /** The file that holds secret {@code name}. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /**
   * Returns the secret stored as {@code name}, generating a random token and storing it with owner-only
   * permissions the first time. {@code created[0]} is set when it was generated now.
   */
  public String loadOrCreateToken(String name, boolean[] created) throws IOException {
    Path f = file(name);
    if (Files.isRegularFile(f)) {
      String s = Files.readString(f, StandardCharsets.UTF_8).trim();
      if (!s.isEmpty()) {
        return s;
      }
    }
    ensureDir();
    String token = newToken();
    Path tmp = dir.resolve(name + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (created != null && created.length > 0) {
      created[0] = true;
    }
    return token;
  }

  private void ensureDir() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /** A new random token (hex). */
  public static String newToken() {
    byte[] b = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
