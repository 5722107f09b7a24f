package io.phosor.server;

import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** A real Phosor node on ephemeral ports in a temporary data directory, with a small HTTP client. */
public final class TestServer implements AutoCloseable {
  /** A fixed ingest token for tests (long enough to pass validation). */
  public static final String INGEST_TOKEN = "test-ingest-token-0123456789";

  private final PhosorServer server;
  private final HttpClient client = HttpClient.newHttpClient();

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
    e.putAll(env);
    PhosorConfig config = ConfigLoader.load(null, e);
    return new TestServer(PhosorServer.start(config, Clock.systemUTC()));
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

  @Override
  public void close() {
    server.close();
  }
}
