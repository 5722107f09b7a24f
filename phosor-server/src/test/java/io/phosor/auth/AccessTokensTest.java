package io.phosor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.phosor.testkit.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AccessTokens tokens = new AccessTokens(KEY, Duration.ofMinutes(15), clock);

  @Test
  void anIssuedTokenCarriesTheClaimsAndVerifies() {
    AccessTokens.Issued t = tokens.issue("alice", Role.ANALYST, "v1");
    assertThat(t.expiresInSeconds()).isEqualTo(900);
    AccessTokens.Claims c = tokens.verify(t.token());
    assertThat(c.username()).isEqualTo("alice");
    assertThat(c.role()).isEqualTo(Role.ANALYST);
    assertThat(c.accountVersion()).isEqualTo("v1");
    assertThat(c.id()).isNotBlank();
    assertThat(c.issuedAt()).isEqualTo(clock.instant());
    assertThat(c.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    assertThat(tokens.issue("alice", Role.ANALYST, "v1").token()).as("jti differs").isNotEqualTo(t.token());
  }

  @Test
  void aTokenExpiresAfterItsLifetimePlusTheClockSkew() {
    String t = tokens.issue("alice", Role.VIEWER, "v1").token();
    clock.advance(Duration.ofMinutes(15).plus(AccessTokens.CLOCK_SKEW).minusSeconds(1));
    assertThat(tokens.verify(t).username()).isEqualTo("alice");
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> tokens.verify(t)).isInstanceOfSatisfying(AccessTokens.InvalidTokenException.class,
        e -> assertThat(e.reason()).isEqualTo("expired"));
  }

  @Test
  void aTokenFromTheFutureIsRefusedBeyondTheSkew() {
    String t = sign(KEY, c -> c.issueTime(Date.from(clock.instant().plusSeconds(60)))
        .expirationTime(Date.from(clock.instant().plusSeconds(600))));
    assertReason(t, "not_yet_valid");
    String slightly = sign(KEY, c -> c.issueTime(Date.from(clock.instant().plusSeconds(10))));
    assertThat(tokens.verify(slightly).username()).isEqualTo("alice");
  }

  @Test
  void onlyHs256IsAccepted() throws Exception {
    String payload = b64(claims().build().toString());
    assertReason(b64("{\"alg\":\"none\"}") + "." + payload + ".", "malformed");
    assertReason(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + "." + b64("x"), "malformed");
    // HS512 over the same key: a valid MAC, but not the algorithm we issue
    String header = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
    Mac mac = Mac.getInstance("HmacSHA512");
    mac.init(new SecretKeySpec(KEY, "HmacSHA512"));
    String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(
        mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
    assertReason(header + "." + payload + "." + sig, "algorithm");
    String rs = b64("{\"alg\":\"RS256\"}");
    assertReason(rs + "." + payload + "." + sig, "algorithm");
  }

  @Test
  void aTokenSignedWithAnotherKeyOrTamperedWithIsRefused() {
    assertReason(sign("another-key-another-key-another-k".getBytes(StandardCharsets.US_ASCII), c -> { }), "signature");
    String t = tokens.issue("alice", Role.VIEWER, "v1").token();
    String[] parts = t.split("\\.");
    String admin = b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"viewer\"", "\"admin\""));
    assertReason(parts[0] + "." + admin + "." + parts[2], "signature");
  }

  @Test
  void issuerAudienceAndRequiredClaimsAreChecked() {
    assertReason(sign(KEY, c -> c.issuer("other")), "issuer");
    assertReason(sign(KEY, c -> c.audience("other")), "audience");
    assertReason(sign(KEY, c -> c.audience((String) null)), "audience");
    assertReason(sign(KEY, c -> c.expirationTime(null)), "claims");
    assertReason(sign(KEY, c -> c.subject(null)), "claims");
    assertReason(sign(KEY, c -> c.claim("ver", null)), "claims");
    assertReason(sign(KEY, c -> c.claim("role", "root")), "claims");
    assertReason(sign(KEY, c -> c.claim("role", "ingest")), "claims");
    assertThat(tokens.verify(sign(KEY, c -> { })).role()).isEqualTo(Role.VIEWER);
  }

  @Test
  void oversizedAndMalformedTokensAreRefusedBeforeParsing() {
    assertReason("x".repeat(AccessTokens.MAX_TOKEN_CHARS + 1), "malformed");
    assertReason("not-a-jwt", "malformed");
    assertReason("a.b.c", "malformed");
  }

  @Test
  void aShortKeyOrAMachineRoleIsRefused() {
    assertThatThrownBy(() -> new AccessTokens(new byte[31], Duration.ofMinutes(1), clock))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> tokens.issue("x", Role.INGEST, "v")).isInstanceOf(IllegalArgumentException.class);
  }

  private void assertReason(String token, String reason) {
    assertThatThrownBy(() -> tokens.verify(token)).isInstanceOfSatisfying(AccessTokens.InvalidTokenException.class,
        e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
  }

  private JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().issuer("phosor").audience("phosor-api").subject("alice").claim("role", "viewer")
        .claim("ver", "v1").jwtID("j1").issueTime(Date.from(clock.instant()))
        .expirationTime(Date.from(clock.instant().plusSeconds(600)));
  }

  private String sign(byte[] key, Consumer<JWTClaimsSet.Builder> change) {
    JWTClaimsSet.Builder b = claims();
    change.accept(b);
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), b.build());
      jwt.sign(new MACSigner(key));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
