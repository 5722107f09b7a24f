package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.phosor.auth.Accounts;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts, tokens and roles on a real server: what an attacker or a confused client gets. */
class SecurityEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir
  static Path data;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(data, Map.of());
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void noTokenIsAnsweredUnauthorizedWithAChallenge() throws Exception {
    HttpResponse<String> r = t.get("/api/alerts", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(json(r).get("error").asText()).isEqualTo("unauthorized");
  }

  @Test
  void loginTakesTheSeedsFormFieldsOrJsonAndTheTokenWorks() throws Exception {
    HttpResponse<String> form = t.loginRequest("admin", TestServer.ADMIN_PASSWORD);
    assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
    assertThat(form.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode body = json(form);
    assertThat(body.get("token_type").asText()).isEqualTo("bearer");
    assertThat(body.get("expires_in").asLong()).isEqualTo(900);
    HttpResponse<String> js = t.request("POST", "/api/auth/token", null,
        "{\"username\": \"ADMIN\", \"password\": \"" + TestServer.ADMIN_PASSWORD + "\"}", "application/json");
    assertThat(js.statusCode()).as(js.body()).isEqualTo(200);
    HttpResponse<String> me = t.get("/api/auth/me", "Bearer " + json(js).get("access_token").asText());
    assertThat(json(me).get("username").asText()).isEqualTo("admin");
    assertThat(json(me).get("role").asText()).isEqualTo("admin");
    assertThat(json(me).get("kind").asText()).isEqualTo("user");
  }

  @Test
  void anExpiredTokenIsRefused() throws Exception {
    Instant now = Instant.now();
    String jwt = sign(serverKey(), claims("admin", "admin").issueTime(Date.from(now.minus(Duration.ofHours(2))))
        .expirationTime(Date.from(now.minus(Duration.ofMinutes(5)))).build());
    HttpResponse<String> r = t.get("/api/alerts", "Bearer " + jwt);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("expired");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
  }

  @Test
  void aTokenWithAlgorithmNoneIsRefused() throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(claims("admin", "admin").build().toString().getBytes(StandardCharsets.UTF_8));
    for (String jwt : new String[] {header + "." + payload + ".", header + "." + payload}) {
      HttpResponse<String> r = t.get("/api/users", "Bearer " + jwt);
      assertThat(r.statusCode()).as(jwt).isEqualTo(401);
    }
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
    byte[] other = new byte[32];
    new SecureRandom().nextBytes(other);
    HttpResponse<String> r = t.get("/api/users", "Bearer " + sign(other, claims("admin", "admin").build()));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("signature");
  }

  @Test
  void aTokenForAnotherAudienceOrIssuerIsRefusedEvenWithTheRightKey() throws Exception {
    String aud = sign(serverKey(), claims("admin", "admin").audience("grafana").build());
    String iss = sign(serverKey(), claims("admin", "admin").issuer("someone-else").build());
    assertThat(t.get("/api/users", "Bearer " + aud).statusCode()).isEqualTo(401);
    assertThat(t.get("/api/users", "Bearer " + iss).statusCode()).isEqualTo(401);
    // The same claims with Phosor's audience and issuer pass: the refusals above are about those claims.
    assertThat(t.get("/api/users", "Bearer " + sign(serverKey(), claims("admin", "admin").build())).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aViewerReadsButCannotWrite() throws Exception {
    String viewer = t.viewer();
    assertThat(t.get("/api/alerts", viewer).statusCode()).isEqualTo(200);
    assertThat(t.get("/api/rules", viewer).statusCode()).isEqualTo(200);
    HttpResponse<String> rule = t.request("POST", "/api/rules", viewer, "{\"id\": \"v\", \"name\": \"v\", \"type\": "
        + "\"pattern\", \"severity\": \"low\", \"config\": {\"field\": \"message\", \"regex\": \"x\"}}", "application/json");
    assertThat(rule.statusCode()).isEqualTo(403);
    assertThat(rule.body()).contains("role viewer may not call POST /api/rules");
    assertThat(t.request("POST", "/api/alerts/1/acknowledge", viewer, null, null).statusCode()).isEqualTo(403);
    assertThat(t.request("DELETE", "/api/users/admin", viewer, null, null).statusCode()).isEqualTo(403);
    assertThat(t.request("POST", "/api/webhook/app", viewer, "{}", "application/json").statusCode()).isEqualTo(403);
    // a forged role claim does not help: the account's role counts
    String forged = sign(serverKey(), claims("viewer", "admin").build());
    assertThat(t.get("/api/users", "Bearer " + forged).statusCode()).isEqualTo(403);
  }

  @Test
  void changesAreRecordedUnderTheUsersName() throws Exception {
    HttpResponse<String> r = t.request("POST", "/api/rules", t.adminUser(), "{\"id\": \"by-name\", \"name\": \"By name\","
        + " \"type\": \"pattern\", \"severity\": \"low\", \"config\": {\"field\": \"message\", \"regex\": \"x\"}}",
        "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    HttpResponse<String> history = t.get("/api/rules/by-name/history", t.analyst());
    assertThat(json(history).get("history").get(0).get("by").asText()).isEqualTo("admin");
    assertThat(t.request("POST", "/api/rules/by-name/toggle", t.analyst(), null, null).statusCode()).isEqualTo(403);
    assertThat(t.request("POST", "/api/rules/by-name/toggle", t.admin(), null, null).statusCode()).isEqualTo(200);
    assertThat(json(t.get("/api/rules/by-name/history", t.viewer())).get("history").get(1).get("by").asText())
        .isEqualTo("admin-token");
  }

  @Test
  void aDisabledUsersTokenStopsWorkingAtOnce() throws Exception {
    createUser("dora", "analyst");
    String token = "Bearer " + t.token("dora", PASSWORD);
    assertThat(t.get("/api/alerts", token).statusCode()).isEqualTo(200);
    HttpResponse<String> off = t.request("PUT", "/api/users/dora", t.adminUser(), "{\"disabled\": true}", "application/json");
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(json(off).get("disabled").asBoolean()).isTrue();
    HttpResponse<String> refused = t.get("/api/alerts", token);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("disabled");
    HttpResponse<String> login = t.loginRequest("dora", PASSWORD);
    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(json(login).get("error").asText()).isEqualTo("account_disabled");
    // enabled again, the old token stays dead (the account changed after it was issued); a new login works
    t.request("PUT", "/api/users/dora", t.adminUser(), "{\"disabled\": false}", "application/json");
    assertThat(t.get("/api/alerts", token).statusCode()).isEqualTo(401);
    assertThat(t.get("/api/alerts", "Bearer " + t.token("dora", PASSWORD)).statusCode()).isEqualTo(200);
  }

  @Test
  void changingYourPasswordNeedsTheOldOneAndEndsYourSessions() throws Exception {
    createUser("pat", "viewer");
    String token = "Bearer " + t.token("pat", PASSWORD);
    String next = "another long password";
    HttpResponse<String> noOld = t.request("POST", "/api/users/pat/password", token, "{\"password\": \"" + next + "\"}",
        "application/json");
    assertThat(noOld.statusCode()).isEqualTo(400);
    HttpResponse<String> wrongOld = t.request("POST", "/api/users/pat/password", token, "{\"password\": \"" + next
        + "\", \"old_password\": \"not the password\"}", "application/json");
    assertThat(wrongOld.statusCode()).isEqualTo(403);
    HttpResponse<String> ok = t.request("POST", "/api/users/pat/password", token, "{\"password\": \"" + next
        + "\", \"old_password\": \"" + PASSWORD + "\"}", "application/json");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(204);
    assertThat(t.get("/api/alerts", token).statusCode()).isEqualTo(401);
    assertThat(t.loginRequest("pat", PASSWORD).statusCode()).isEqualTo(401);
    assertThat(t.loginRequest("pat", next).statusCode()).isEqualTo(200);
    // and a viewer cannot set someone else's
    assertThat(t.request("POST", "/api/users/admin/password", "Bearer " + t.token("pat", next),
        "{\"password\": \"" + next + "\"}", "application/json").statusCode()).isEqualTo(403);
  }

  @Test
  void repeatedFailedLoginsAreSlowedDownEvenForTheRightPassword() throws Exception {
    createUser("bruce", "viewer");
    for (int i = 1; i <= 5; i++) {
      HttpResponse<String> r = t.loginRequest("bruce", "guess number " + i);
      assertThat(r.statusCode()).as("guess %d: %s", i, r.body()).isEqualTo(401);
      assertThat(json(r).get("error").asText()).isEqualTo("invalid_credentials");
    }
    HttpResponse<String> blocked = t.loginRequest("bruce", PASSWORD);
    assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(429);
    assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v))
        .isBetween(1L, 2L));
    // the block is short after five failures, and waiting it out lets the owner in
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
        .until(() -> t.loginRequest("bruce", PASSWORD).statusCode() == 200);
  }

  @Test
  void anUnknownUserGetsTheSameAnswerAsAWrongPassword() throws Exception {
    HttpResponse<String> unknown = t.loginRequest("nobody-here", "some long password");
    HttpResponse<String> wrong = t.loginRequest("admin", "some long password");
    assertThat(unknown.statusCode()).isEqualTo(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.body()).isEqualTo(wrong.body());
  }

  @Test
  void theLastAdminCannotBeDeletedOrDemoted() throws Exception {
    assertThat(t.request("DELETE", "/api/users/admin", t.admin(), null, null).statusCode()).isEqualTo(409);
    assertThat(t.request("PUT", "/api/users/admin", t.admin(), "{\"role\": \"viewer\"}", "application/json").statusCode())
        .isEqualTo(409);
  }

  @Test
  void usersAreListedWithoutTheirPasswordHashes() throws Exception {
    createUser("lister", "viewer");
    HttpResponse<String> r = t.get("/api/users", t.admin());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"lister\"").doesNotContain("argon2").doesNotContain("password");
    assertThat(t.request("POST", "/api/users", t.admin(), "{\"username\": \"LISTER\", \"password\": \"" + PASSWORD
        + "\", \"role\": \"viewer\"}", "application/json").statusCode()).isEqualTo(409);
    assertThat(t.request("POST", "/api/users", t.admin(), "{\"username\": \"shorty\", \"password\": \"short\"}",
        "application/json").statusCode()).isEqualTo(400);
    assertThat(t.request("DELETE", "/api/users/lister", t.admin(), null, null).statusCode()).isEqualTo(204);
  }

  private static void createUser(String name, String role) throws Exception {
    HttpResponse<String> r = t.request("POST", "/api/users", t.admin(), "{\"username\": \"" + name + "\", \"password\": \""
        + PASSWORD + "\", \"role\": \"" + role + "\"}", "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  private static byte[] serverKey() throws Exception {
    return HexFormat.of().parseHex(Files.readString(data.resolve("secrets").resolve("jwt.key")).trim());
  }

  /** Claims like the server's for {@code user}'s current account, with {@code role} claimed. */
  private static JWTClaimsSet.Builder claims(String user, String role) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder().issuer("phosor").audience("phosor-api").subject(user).claim("role", role)
        .claim("ver", Accounts.version(t.server().accounts().get(user)))
        .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
  }

  private static String sign(byte[] key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }
}
