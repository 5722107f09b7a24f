package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.api.HttpApi;
import io.phosor.api.OpenApi;
import io.phosor.auth.Role;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/openapi.json} on a real server describes exactly the registered routes: a route added without
 * an entry in {@link OpenApi#OPS} (or an entry left behind by a removed route) fails the build.
 */
class OpenApiTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  @TempDir
  static Path data;
  static TestServer t;
  static JsonNode doc;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(data, Map.of());
    HttpResponse<String> r = t.get(OpenApi.PATH, null);
    assertThat(r.statusCode()).as("the document is public: %s", r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    doc = new ObjectMapper().readTree(r.body());
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void theDocumentListsEveryRegisteredHttpRouteAndNoOther() {
    Set<String> registered = new TreeSet<>();
    Set<String> sockets = new TreeSet<>();
    for (HttpApi.Route r : t.server().http().routes()) {
      (r.method().equals("WS") ? sockets : registered).add(r.method() + " " + r.path());
    }
    Set<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = doc.path("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> e = p.next();
      e.getValue().fieldNames().forEachRemaining(m -> {
        if (METHODS.contains(m)) {
          documented.add(m.toUpperCase(Locale.ROOT) + " " + e.getKey());
        }
      });
    }
    assertThat(documented).as("every registered route needs an entry in OpenApi.OPS (and every entry a route)")
        .containsExactlyInAnyOrderElementsOf(registered);
    Set<String> ws = new TreeSet<>();
    doc.path("x-websocket").fieldNames().forEachRemaining(p -> ws.add("WS " + p));
    assertThat(ws).as("WebSocket routes, under x-websocket").containsExactlyInAnyOrderElementsOf(sockets);
  }

  @Test
  void eachEntryNamesTheRoleItsRouteDeclares() {
    for (HttpApi.Route r : t.server().http().routes()) {
      JsonNode op = r.method().equals("WS") ? doc.path("x-websocket").path(r.path())
          : doc.path("paths").path(r.path()).path(r.method().toLowerCase(Locale.ROOT));
      assertThat(r.roles()).as("x-phosor-role of %s %s", r.method(), r.path())
          .containsExactly(Role.valueOf(op.path("x-phosor-role").asText().toUpperCase(Locale.ROOT)));
    }
  }

  @Test
  void itLooksLikeValidOpenApi3() {
    assertThat(doc.path("openapi").asText()).isEqualTo("3.0.3");
    assertThat(doc.path("info").path("title").asText()).isNotBlank();
    assertThat(doc.path("info").path("version").asText()).isNotBlank();
    assertThat(doc.path("components").path("securitySchemes").path("bearer").path("scheme").asText()).isEqualTo("bearer");
    assertThat(doc.path("paths").size()).isPositive();
    Set<String> operationIds = new HashSet<>();
    doc.path("paths").fields().forEachRemaining(p -> {
      assertThat(p.getKey()).startsWith("/");
      p.getValue().fields().forEachRemaining(m -> {
        String where = m.getKey() + " " + p.getKey();
        JsonNode op = m.getValue();
        assertThat(METHODS).as(where).contains(m.getKey());
        assertThat(op.path("summary").asText()).as("summary of %s", where).isNotBlank();
        assertThat(op.path("responses").size()).as("responses of %s", where).isPositive();
        op.path("responses").fields().forEachRemaining(r ->
            assertThat(r.getValue().path("description").asText()).as("response %s of %s", r.getKey(), where).isNotBlank());
        assertThat(operationIds.add(op.path("operationId").asText())).as("operationId of %s is unique", where).isTrue();
        Set<String> pathParams = new TreeSet<>();
        java.util.regex.Matcher pm = java.util.regex.Pattern.compile("\\{([a-z_]+)}").matcher(p.getKey());
        while (pm.find()) {
          pathParams.add(pm.group(1));
        }
        Set<String> declared = new TreeSet<>();
        op.path("parameters").forEach(x -> {
          assertThat(x.path("in").asText()).as(where).isIn("path", "query");
          assertThat(x.path("schema").path("type").asText()).as(where).isNotBlank();
          if (x.path("in").asText().equals("path")) {
            assertThat(x.path("required").asBoolean()).as(where).isTrue();
            declared.add(x.path("name").asText());
          }
        });
        assertThat(declared).as("path parameters of %s", where).isEqualTo(pathParams);
      });
    });
  }
}
