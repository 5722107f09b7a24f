package io.phosor.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secrets Phosor generates for itself on first start and keeps in {@code <data_dir>/secrets}, a
 * directory only the owner can read. There are no default passwords or tokens.
 */
public final class Secrets {
  private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
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
    String token = newToken();
    write(name, token);
    if (created != null && created.length > 0) {
      created[0] = true;
    }
    return token;
  }

  /**
   * Returns the random key stored (hex) as {@code name}, generating {@code bytes} random bytes and storing them
   * with owner-only permissions the first time. A stored key that others may read is made owner-only again.
   *
   * @throws IOException when the file cannot be read or written, or holds something that is not a key of at
   *     least {@code bytes} bytes (it is not replaced: tokens signed with it would silently stop working)
   */
  public byte[] loadOrCreateKey(String name, int bytes) throws IOException {
    Path f = file(name);
    if (Files.isRegularFile(f)) {
      tighten(f);
      String s = Files.readString(f, StandardCharsets.UTF_8).trim();
      byte[] key;
      try {
        key = HexFormat.of().parseHex(s);
      } catch (IllegalArgumentException e) {
        throw new IOException(f.toAbsolutePath() + " does not hold a hex key; delete it to have a new one generated");
      }
      if (key.length < bytes) {
        throw new IOException(f.toAbsolutePath() + " holds a key of " + key.length + " bytes, fewer than " + bytes
            + "; delete it to have a new one generated");
      }
      return key;
    }
    byte[] key = new byte[bytes];
    RANDOM.nextBytes(key);
    write(name, HexFormat.of().formatHex(key));
    return key;
  }

  /** Writes {@code value} to secret {@code name} atomically, readable by the owner only. */
  private void write(String name, String value) throws IOException {
    ensureDir();
    Path tmp = dir.resolve(name + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void tighten(Path f) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
    Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : perms) {
      if (p.name().startsWith("OWNER")) {
        owner.add(p);
      }
    }
    if (!owner.equals(perms)) {
      LOG.warn("{} was readable by others than its owner; made it owner-only (consider replacing the secret)",
          f.toAbsolutePath());
      Files.setPosixFilePermissions(f, owner);
    }
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
