package io.phosor.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Issues and checks the access tokens people get from {@code POST /api/auth/token}: JWTs (RFC 7519) signed
 * with HMAC-SHA256 (RFC 7518 section 3.2) under one server key.
 *
 * <p>A token is accepted only when every one of these holds, in this order: it is at most
 * {@link #MAX_TOKEN_CHARS} long and parses as a JWS; its header names {@code HS256} and nothing else
 * ({@code none}, other HMACs and every public-key algorithm are refused, so a key can never be confused
 * for another kind); the signature verifies; {@code iss} is {@value #ISSUER} and {@code aud} is
 * {@value #AUDIENCE}; {@code exp} is in the future and {@code iat} (and {@code nbf}, if present) not in
 * the future, both within {@link #CLOCK_SKEW}; and {@code sub}, {@code role}, {@code jti} and {@code ver} are
 * there. {@code ver} is the account's version when the token was issued ({@link Accounts}): a token outlives
 * no change to its account.
 */
public final class AccessTokens {
  /** The {@code iss} claim of every token. */
  public static final String ISSUER = "phosor";
  /** The {@code aud} claim: these tokens are for Phosor's API and nothing else. */
  public static final String AUDIENCE = "phosor-api";
  /** Shortest HS256 key: RFC 7518 section 3.2 requires a key at least as long as the hash (256 bits). */
  public static final int MIN_KEY_BYTES = 32;
  /** Tolerated difference between this clock and the one that issued the token (another node). */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
  /** A real token is about 300 characters; anything far longer is refused before it is parsed. */
  static final int MAX_TOKEN_CHARS = 4096;
  private static final String ROLE_CLAIM = "role";
  private static final String VERSION_CLAIM = "ver";

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Duration ttl;
  private final Clock clock;

  /** Tokens signed with {@code key} (at least {@link #MIN_KEY_BYTES}), valid for {@code ttl} from {@code clock}'s now. */
  public AccessTokens(byte[] key, Duration ttl, Clock clock) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the token signing key must be at least " + MIN_KEY_BYTES + " bytes, was "
          + key.length);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("token lifetime must be positive, was " + ttl);
    }
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable token signing key: " + e.getMessage(), e);
    }
    this.ttl = ttl;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A token that was issued: the compact JWT and when it expires. */
  public record Issued(String token, Instant issuedAt, Instant expiresAt) {
    /** Seconds from issue to expiry (the {@code expires_in} of the OAuth 2.0 token response, RFC 6749 5.1). */
    public long expiresInSeconds() {
      return Duration.between(issuedAt, expiresAt).toSeconds();
    }
  }

  /**
   * What a valid token says.
   *
   * @param username {@code sub}
   * @param role {@code role}: the account's role when the token was issued
   * @param id {@code jti}
   * @param accountVersion {@code ver}: the account's version when the token was issued
   * @param issuedAt {@code iat}
   * @param expiresAt {@code exp}
   */
  public record Claims(String username, Role role, String id, String accountVersion, Instant issuedAt,
      Instant expiresAt) {}

  /** Why a token was refused; {@link #reason()} is a short code for the audit log. */
  public static final class InvalidTokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    /** A refusal for {@code reason} (a short code) with a message a client developer can act on. */
    public InvalidTokenException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** A short code: malformed, algorithm, signature, issuer, audience, expired, not_yet_valid, claims, ... */
    public String reason() {
      return reason;
    }
  }

  /** The token lifetime. */
  public Duration ttl() {
    return ttl;
  }

  /** Issues a token for {@code username} with {@code role}, bound to the account's current {@code accountVersion}. */
  public Issued issue(String username, Role role, String accountVersion) {
    if (!role.isUserRole()) {
      throw new IllegalArgumentException("tokens are issued for user roles only, not " + role);
    }
    // JWT times are whole seconds (NumericDate); truncate so what we report is what the token says.
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant exp = now.plus(ttl);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(username)
        .claim(ROLE_CLAIM, role.id())
        .claim(VERSION_CLAIM, Objects.requireNonNull(accountVersion, "accountVersion"))
        .jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(exp))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
    }
    return new Issued(jwt.serialize(), now, exp);
  }

  /** The claims of {@code token}, or an {@link InvalidTokenException} saying what is wrong with it. */
  public Claims verify(String token) {
    if (token == null || token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException("malformed", "token is missing or longer than " + MAX_TOKEN_CHARS + " characters");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed", "token is not a signed JWT");
    }
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new InvalidTokenException("algorithm", "token algorithm " + jwt.getHeader().getAlgorithm()
          + " is not accepted (only HS256)");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw new InvalidTokenException("signature", "token signature is not valid");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("signature", "token signature cannot be checked: " + e.getMessage());
    }
    JWTClaimsSet c;
    try {
      c = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed", "token claims are not valid JSON claims");
    }
    if (!ISSUER.equals(c.getIssuer())) {
      throw new InvalidTokenException("issuer", "token was not issued by " + ISSUER);
    }
    List<String> aud = c.getAudience();
    if (aud == null || !aud.contains(AUDIENCE)) {
      throw new InvalidTokenException("audience", "token is not meant for " + AUDIENCE);
    }
    Instant now = clock.instant();
    Date exp = c.getExpirationTime();
    Date iat = c.getIssueTime();
    if (exp == null || iat == null) {
      throw new InvalidTokenException("claims", "token has no exp or iat");
    }
    if (!now.isBefore(exp.toInstant().plus(CLOCK_SKEW))) {
      throw new InvalidTokenException("expired", "token expired at " + exp.toInstant() + "; log in again");
    }
    Date nbf = c.getNotBeforeTime();
    if (iat.toInstant().isAfter(now.plus(CLOCK_SKEW)) || (nbf != null && nbf.toInstant().isAfter(now.plus(CLOCK_SKEW)))) {
      throw new InvalidTokenException("not_yet_valid", "token is not valid yet (issued in the future: check the clocks)");
    }
    String sub = c.getSubject();
    String jti = c.getJWTID();
    Object role = c.getClaim(ROLE_CLAIM);
    if (sub == null || sub.isBlank() || jti == null || !(role instanceof String r)
        || !(c.getClaim(VERSION_CLAIM) instanceof String ver)) {
      throw new InvalidTokenException("claims", "token lacks sub, role, jti or ver");
    }
    Role parsed;
    try {
      parsed = Role.ofUser(r);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("claims", "token names an unknown role");
    }
    return new Claims(sub, parsed, jti, ver, iat.toInstant(), exp.toInstant());
  }
}
