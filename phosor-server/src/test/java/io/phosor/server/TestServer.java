package io.phosor.server;

import io.phosor.auth.AuthSettings;
import io.phosor.auth.Role;
import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** A real Phosor node on ephemeral ports in a temporary data directory, with a small HTTP client. */
public final class TestServer implements AutoCloseable {
  /** A fixed ingest token for tests (long enough to pass validation). */
  public static final String INGEST_TOKEN = "test-ingest-token-0123456789";
  /** The first admin's password (PHOSOR_ADMIN_PASSWORD), unless a test sets its own. */
  public static final String ADMIN_PASSWORD = "test-admin-password-0123";
  /** The password of the accounts {@link #login(Role)} creates. */
  public static final String USER_PASSWORD = "test-user-password-4567";

  private final PhosorServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<Role, String> jwts = new EnumMap<>(Role.class);

  private TestServer(PhosorServer server) {
    this.server = server;
  }

  /** Starts a node in {@code dataDir} with extra environment settings. */
  public static TestServer start(Path dataDir, Map<String, String> env) throws Exception {
    Map<String, String> e = new HashMap<>();
    e.put("PHOSOR_DATA_DIR", dataDir.toString());
    e.put("PHOSOR_HTTP_PORT", "0");
    e.put("PHOSOR_HTTP_HOST", "127.0.0.1");
    e.put("PHOSOR_SYSLOG_PORT", "0");
    e.put("PHOSOR_SYSLOG_HOST", "127.0.0.1");
    e.put("PHOSOR_INGEST_TOKENS", INGEST_TOKEN);
    // tests must not stall on a nearly full build machine; DiskFullTest sets its own minimum
    e.put("PHOSOR_MIN_FREE_DISK_BYTES", "0");
    e.put("PHOSOR_ADMIN_PASSWORD", ADMIN_PASSWORD);
    e.putAll(env);
    PhosorConfig config = ConfigLoader.load(null, e);
    return new TestServer(PhosorServer.start(config, AuthSettings.fromEnvironment(e), Clock.systemUTC()));
  }

  /** The running node. */
  public PhosorServer server() {
    return server;
  }

  /** Base URL of the HTTP API. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.httpPort() + path;
  }

  /** Sends a request built from {@code b} and returns the response as text. */
  public HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs {@code body} to {@code path} with {@code Authorization: <auth>} (null: no header). */
  public HttpResponse<String> post(String path, String auth, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return send(b);
  }

  /** Sends {@code method path} with {@code body} (null: none) of {@code contentType} and the given auth header. */
  public HttpResponse<String> request(String method, String path, String auth, String body, String contentType)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).method(method, body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  /** GETs {@code path} with {@code Authorization: <auth>} (null: no header). */
  public HttpResponse<String> get(String path, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).GET();
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return send(b);
  }

  /** The Authorization header value for the ingest token. */
  public static String ingest() {
    return "Bearer " + INGEST_TOKEN;
  }

  /** The Authorization header value for the API token. */
  public String admin() {
    return "Bearer " + server.apiToken();
  }

  /**
   * The Authorization header value for a person with {@code role}: for admin the first account ({@code admin}),
   * for viewer and analyst an account named after the role, created through the API on first use. The token is
   * obtained through {@code POST /api/auth/token}, like a client would, and reused.
   */
  public synchronized String login(Role role) throws Exception {
    String jwt = jwts.get(role);
    if (jwt == null) {
      String user = role == Role.ADMIN ? "admin" : role.id();
      if (role != Role.ADMIN) {
        HttpResponse<String> r = request("POST", "/api/users", admin(), "{\"username\": \"" + user
            + "\", \"password\": \"" + USER_PASSWORD + "\", \"role\": \"" + role.id() + "\"}", "application/json");
        if (r.statusCode() != 201 && r.statusCode() != 409) {
          throw new IllegalStateException("cannot create " + user + ": " + r.statusCode() + " " + r.body());
        }
      }
      jwt = "Bearer " + token(user, role == Role.ADMIN ? ADMIN_PASSWORD : USER_PASSWORD);
      jwts.put(role, jwt);
    }
    return jwt;
  }

  /** Logs {@code username} in with the seed's form fields and returns the access token (fails the test otherwise). */
  public String token(String username, String password) throws Exception {
    HttpResponse<String> r = loginRequest(username, password);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("login of " + username + " failed: " + r.statusCode() + " " + r.body());
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("access_token").asText();
  }

  /** {@code POST /api/auth/token} with form fields {@code username} and {@code password}. */
  public HttpResponse<String> loginRequest(String username, String password) throws Exception {
    String form = "username=" + java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8)
        + "&password=" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8);
    return request("POST", "/api/auth/token", null, form, "application/x-www-form-urlencoded");
  }

  /** The Authorization header value for a viewer account. */
  public String viewer() throws Exception {
    return login(Role.VIEWER);
  }

  /** The Authorization header value for an analyst account. */
  public String analyst() throws Exception {
    return login(Role.ANALYST);
  }

  /** The Authorization header value for the first admin account (a person; {@link #admin()} is the API token). */
  public String adminUser() throws Exception {
    return login(Role.ADMIN);
  }

  @Override
  public void close() {
    server.close();
  }
}
