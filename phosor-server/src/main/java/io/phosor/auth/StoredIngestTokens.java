package io.phosor.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import io.phosor.store.IngestToken;
import io.phosor.store.IngestTokens;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Ingest tokens created through the API ({@code POST /api/ingest-tokens}) and kept in the relational store as
 * SHA-256 hashes, next to the static ones from {@code PHOSOR_INGEST_TOKENS}. A generated token is {@link #PREFIX}
 * followed by 32 random bytes (base64url), so it is recognisable (by secret scanners too) and only such tokens
 * cost a store lookup: a JWT or a random wrong token never reaches the database.
 *
 * <p>Lookups are cached by hash for {@link #CACHE_TTL} (a revocation through this node takes effect at once, on
 * other nodes sharing a PostgreSQL store within that time), unknown hashes too, in a bounded cache. The last-use
 * time is written at most once a minute per token. When the store is unavailable a stored token cannot be checked
 * and the request gets 503 (the static tokens keep working).
 */
public final class StoredIngestTokens {
  /** What every generated token starts with. */
  public static final String PREFIX = "phi_";
  /** How long a lookup (found or not) is reused. */
  static final Duration CACHE_TTL = Duration.ofSeconds(10);
  private static final int RANDOM_BYTES = 32;
  /** PREFIX plus the unpadded base64url of 32 bytes. */
  private static final int TOKEN_LENGTH = PREFIX.length() + 43;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final IngestTokens store;
  private final LoadingCache<String, Optional<String>> byHash;
  private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> recentlyMarked;

  /** Tokens in {@code store}; {@code clock} drives the caches. */
  public StoredIngestTokens(IngestTokens store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    this.byHash = Caffeine.newBuilder().maximumSize(10_000).ticker(ticker).expireAfterWrite(CACHE_TTL)
        .build(h -> store.findByHash(h).map(IngestToken::name));
    this.recentlyMarked = Caffeine.newBuilder().maximumSize(10_000).ticker(ticker)
        .expireAfterWrite(Duration.ofMinutes(1)).build();
  }

  /** Whether {@code token} has the shape of a generated token (worth a lookup). */
  static boolean looksGenerated(String token) {
    if (token.length() != TOKEN_LENGTH || !token.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < token.length(); i++) {
      char c = token.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** The name of the active stored token {@code token}, if it is one. */
  Optional<String> nameOf(String token) {
    if (!looksGenerated(token)) {
      return Optional.empty();
    }
    String hash = IngestTokens.hash(token);
    Optional<String> name = byHash.get(hash);
    if (name.isPresent() && recentlyMarked.asMap().putIfAbsent(hash, Boolean.TRUE) == null) {
      store.markUsed(hash);
    }
    return name;
  }

  /**
   * A new token named {@code name} (1-64 letters, digits, '.', '_', '-'), created by {@code who}: stored by hash, the
   * token itself returned once.
   *
   * @throws IllegalArgumentException for a name of another shape
   */
  public Created create(String name, String who) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("token name: 1-64 letters, digits, '.', '_' or '-', starting with a letter "
          + "or digit");
    }
    byte[] b = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(b);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    String hash = IngestTokens.hash(token);
    IngestToken t = store.create(name, hash, who);
    byHash.invalidate(hash); // a cached "unknown" must not outlive the creation
    return new Created(t, token);
  }

  /** Revokes the named token; it stops working on this node at once. */
  public IngestToken revoke(String name) {
    IngestToken t = store.revoke(name);
    byHash.invalidateAll();
    return t;
  }

  /** Every stored token, revoked ones included (never the token or its hash). */
  public List<IngestToken> list() {
    return store.list();
  }

  /**
   * A token just created.
   *
   * @param description what is stored about it
   * @param token the token itself: shown once, never stored
   */
  public record Created(IngestToken description, String token) {}
}
