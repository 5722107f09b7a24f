package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CORS is closed unless origins are configured, and then open to exactly those origins. */
class CorsTest {
  @TempDir
  Path data;

  private static HttpResponse<String> fromOrigin(TestServer t, String origin) throws Exception {
    return t.send(HttpRequest.newBuilder(URI.create(t.url("/api/stats"))).header("Origin", origin)
        .header("Authorization", t.admin()).GET());
  }

  @Test
  void byDefaultNoOriginGetsCorsHeaders() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      assertThat(fromOrigin(t, "https://evil.example").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void configuredOriginsAndOnlyThoseAreAllowed() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_CORS_ORIGINS", "https://soc.example,http://localhost:3000"))) {
      assertThat(fromOrigin(t, "https://soc.example").headers().firstValue("Access-Control-Allow-Origin"))
          .contains("https://soc.example");
      assertThat(fromOrigin(t, "https://evil.example").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void aWildcardOrAPathIsRefusedAtStartUp() {
    for (String bad : new String[] {"*", "https://soc.example/app", "soc.example"}) {
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_CORS_ORIGINS", bad)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("PHOSOR_CORS_ORIGINS");
    }
  }
}
