package io.phosor.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (RFC 9106) in the PHC string format
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (unpadded standard base64), as written by the
 * reference implementation and libsodium, so hashes can be moved in and out of Phosor.
 *
 * <p>Parameters: the first of OWASP's Password Storage Cheat Sheet recommendations for Argon2id (19 MiB,
 * two passes, one lane), which costs about 50-100 ms per hash with BouncyCastle on a two-core machine.
 * Verification reads the parameters from the stored string (so raising them later keeps old hashes
 * valid; see {@link #needsRehash}), within bounds so a tampered row cannot make one login cost minutes.
 *
 * <p>Each hash holds {@code m} KiB of memory while it runs, so at most {@link #MAX_CONCURRENT} run at
 * once; a burst of logins waits its turn rather than running the heap out.
 */
public final class PasswordHasher {
  /** Memory in KiB: OWASP's 19 MiB. */
  static final int MEMORY_KIB = 19 * 1024;
  /** Passes over the memory: OWASP's 2 for 19 MiB. */
  static final int ITERATIONS = 2;
  /** One lane: BouncyCastle computes lanes on the calling thread anyway, so more only costs memory. */
  static final int PARALLELISM = 1;
  /** RFC 9106 recommends 128-bit salts. */
  private static final int SALT_BYTES = 16;
  /** 256-bit tags, as RFC 9106 section 4 suggests. */
  private static final int HASH_BYTES = 32;
  /** Largest stored parameters accepted when verifying: 256 MiB, 10 passes, 8 lanes. */
  private static final int MAX_MEMORY_KIB = 256 * 1024;
  private static final int MAX_ITERATIONS = 10;
  private static final int MAX_PARALLELISM = 8;
  /** Hashes computed at once: two per core keeps the CPU busy without piling up 19 MiB buffers. */
  static final int MAX_CONCURRENT = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
  /** How long a caller waits for a turn before the server answers 503. */
  private static final long MAX_WAIT_SECONDS = 10;

  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  private final SecureRandom random = new SecureRandom();
  private final Semaphore turns = new Semaphore(MAX_CONCURRENT, true);
  private final AtomicLong computed = new AtomicLong();
  private final int memoryKib;
  private final int iterations;
  /** A hash of a random password, verified against when the user does not exist so that costs the same. */
  private final String dummy;

  /** A hasher with the production parameters. */
  public PasswordHasher() {
    this(MEMORY_KIB, ITERATIONS);
  }

  /** A hasher with other memory and pass counts (cheaper ones only for tests). */
  PasswordHasher(int memoryKib, int iterations) {
    if (memoryKib < 8 * PARALLELISM || memoryKib > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException("memoryKib must be between 8 and " + MAX_MEMORY_KIB + ", was " + memoryKib);
    }
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS + ", was " + iterations);
    }
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.dummy = hash(Secrets.newToken());
  }

  /** Thrown when too many hashes are waiting; the caller should retry in a moment. */
  public static final class BusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BusyException() {
      super("too many password checks at once; retry in a moment");
    }
  }

  /** The PHC string of {@code password} with a fresh random salt. */
  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] tag = argon2(password, salt, memoryKib, iterations, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
        + "$" + B64.encodeToString(tag);
  }

  /**
   * Whether {@code password} matches {@code phc}, compared in constant time. A null or malformed
   * {@code phc} (unknown user, foreign format) costs the same as a wrong password and answers false.
   */
  public boolean verify(String password, String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) {
      argon2Dummy(password);
      return false;
    }
    int mem = Integer.parseInt(m.group(1));
    int t = Integer.parseInt(m.group(2));
    int p = Integer.parseInt(m.group(3));
    if (mem > MAX_MEMORY_KIB || mem < 8 * p || t < 1 || t > MAX_ITERATIONS || p < 1 || p > MAX_PARALLELISM) {
      argon2Dummy(password);
      return false;
    }
    byte[] salt;
    byte[] expected;
    try {
      salt = B64D.decode(m.group(4));
      expected = B64D.decode(m.group(5));
    } catch (IllegalArgumentException e) {
      argon2Dummy(password);
      return false;
    }
    byte[] actual = argon2(password, salt, mem, t, p, expected.length);
    return MessageDigest.isEqual(actual, expected);
  }

  /** Spends the time of one verification and answers false: for unknown users. */
  public boolean verifyNothing(String password) {
    verify(password, dummy);
    return false;
  }

  /** True when {@code phc} was made with other parameters than this hasher's (rehash it at the next login). */
  public boolean needsRehash(String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    return m == null || !m.matches() || Integer.parseInt(m.group(1)) != memoryKib
        || Integer.parseInt(m.group(2)) != iterations || Integer.parseInt(m.group(3)) != PARALLELISM;
  }

  /** How many Argon2 computations ran (tests check that every login path costs exactly one). */
  long computed() {
    return computed.get();
  }

  private void argon2Dummy(String password) {
    Matcher m = PHC.matcher(dummy);
    if (m.matches()) {
      argon2(password, B64D.decode(m.group(4)), memoryKib, iterations, PARALLELISM, HASH_BYTES);
    }
  }

  private byte[] argon2(String password, byte[] salt, int mem, int t, int p, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(mem)
        .withIterations(t)
        .withParallelism(p)
        .withSalt(salt)
        .build();
    byte[] out = new byte[length];
    byte[] pw = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
    acquire();
    try {
      Argon2BytesGenerator g = new Argon2BytesGenerator();
      g.init(params);
      g.generateBytes(pw, out);
      computed.incrementAndGet();
    } finally {
      turns.release();
      java.util.Arrays.fill(pw, (byte) 0);
    }
    return out;
  }

  private void acquire() {
    try {
      if (!turns.tryAcquire(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new BusyException();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusyException();
    }
  }
}
