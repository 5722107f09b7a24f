package io.phosor.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks the static machine tokens (ingest tokens and the generated API token) in constant time, then the ingest
 * tokens created through the API ({@link StoredIngestTokens}, by hash). A token is
 * identified in logs, metrics and rate-limit keys only by a short fingerprint (first 8 hex digits of its
 * SHA-256), never by itself. People's JWTs are checked by {@link Authenticator}.
 */
public final class TokenAuth {
  private final List<byte[]> ingestTokens;
  private final byte[] apiToken;
  private final StoredIngestTokens stored;

  /** Accepts {@code ingestTokens} for ingestion and {@code apiToken} for everything (it can ingest too). */
  public TokenAuth(List<String> ingestTokens, String apiToken) {
    this(ingestTokens, apiToken, null);
  }

  /** Also accepts the active ingest tokens in {@code stored} (created through the API), when not null. */
  public TokenAuth(List<String> ingestTokens, String apiToken, StoredIngestTokens stored) {
    this.ingestTokens = ingestTokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    this.apiToken = apiToken.getBytes(StandardCharsets.UTF_8);
    this.stored = stored;
  }

  /** The role the token grants ({@link Role#ADMIN} for the API token, {@link Role#INGEST}), or null when it is not one. */
  public Role check(String token) {
    Principal p = principal(token);
    return p == null ? null : p.role();
  }

  /** The machine principal the token stands for, or null when it is not one of the static tokens. */
  public Principal principal(String token) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    byte[] b = token.getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(b, apiToken)) {
      return Principal.apiToken();
    }
    boolean ok = false;
    for (byte[] t : ingestTokens) {
      ok |= MessageDigest.isEqual(b, t);
    }
    if (ok) {
      return Principal.ingestToken(token);
    }
    if (stored != null) {
      // looked up by SHA-256: equal hashes need the same token, so no timing leak of the token itself
      java.util.Optional<String> name = stored.nameOf(token);
      if (name.isPresent()) {
        return Principal.storedIngestToken(name.get());
      }
    }
    return null;
  }

  /** A short, non-reversible id for a token (for rate-limit keys, stats and logs). */
  public static String fingerprint(String token) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
