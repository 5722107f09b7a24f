package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.dashboard.DashboardRoutes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's static files over HTTP: public, typed, cached by ETag, strict headers, nothing outside. */
class DashboardRoutesTest {
  @TempDir
  static Path data;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(data, Map.of("PHOSOR_SEARCH_ENABLED", "false"));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void thePageIsServedAtTheRootWithAStrictPolicy() throws Exception {
    HttpResponse<String> r = t.get("/", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").map(v -> v.replace(" ", ""))).hasValue("text/html;charset=utf-8");
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(DashboardRoutes.CSP);
    assertThat(DashboardRoutes.CSP).contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
    // no inline script or style, nothing from another origin
    assertThat(r.body()).contains("<script type=\"module\" src=\"/ui/app.js\"></script>")
        .doesNotContain("<style", "style=\"", "onclick", "http://", "https://").doesNotContainPattern("<script>");
  }

  @Test
  void scriptsAndStylesHaveTheirTypesAndRevalidateWithAnEtag() throws Exception {
    for (var e : Map.of("/ui/app.js", "text/javascript; charset=utf-8", "/ui/style.css", "text/css; charset=utf-8",
        "/ui/favicon.svg", "image/svg+xml").entrySet()) {
      HttpResponse<String> r = t.get(e.getKey(), null);
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").map(v -> v.replace(" ", ""))).as(e.getKey())
          .hasValue(e.getValue().replace(" ", ""));
      assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(DashboardRoutes.CSP);
      String etag = r.headers().firstValue("ETag").orElseThrow();
      HttpResponse<String> again = t.send(HttpRequest.newBuilder(URI.create(t.url(e.getKey()))).header("If-None-Match", etag));
      assertThat(again.statusCode()).as(e.getKey()).isEqualTo(304);
      assertThat(again.body()).isEmpty();
    }
  }

  @Test
  void nothingOutsideTheDashboardDirectoryIsServed() throws Exception {
    for (String path : new String[] {"/ui/..%2Flogback.xml", "/ui/%2e%2e%2flogback.xml", "/ui/index.html.bak",
        "/ui/nothing.js", "/ui/App.js", "/ui/.hidden.js", "/ui/logback.xml", "/ui/io%2Fphosor%2Fapi%2FHttpApi.class"}) {
      HttpResponse<String> r = t.get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).doesNotContain("<configuration");
    }
  }

  @Test
  void theApiStillNeedsAToken() throws Exception {
    assertThat(t.get("/api/alerts", null).statusCode()).isEqualTo(401);
    assertThat(t.get("/api/auth/me", null).statusCode()).isEqualTo(401);
  }
}
