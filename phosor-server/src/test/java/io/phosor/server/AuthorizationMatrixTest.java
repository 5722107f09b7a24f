package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.security.RouteRole;
import io.phosor.api.HttpApi;
import io.phosor.auth.Role;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization matrix in docs/security.md is the specification: every registered route must have a row,
 * every row must be a registered route, and every route, called with every kind of caller, must answer as its
 * row says. A new route without an access decision fails here.
 */
class AuthorizationMatrixTest {
  private static final Path DOC = Path.of("..", "docs", "security.md");
  private static final List<String> COLUMNS = List.of("no token", "ingest token", "viewer", "analyst", "admin",
      "API token");
  /** The user names TestServer gives the viewer, analyst and admin accounts (for the {@code own} cells). */
  private static final List<String> OWN_NAMES = java.util.Arrays.asList(null, null, "viewer", "analyst", "admin", null);
  private static final Pattern ROW = Pattern.compile("^\\| `(GET|POST|PUT|PATCH|DELETE|WS) ([^`]+)` \\|(.*)\\|\\s*$");

  @TempDir
  static Path data;
  static TestServer t;

  record Row(String method, String path, List<String> cells) {
    String route() {
      return method + " " + path;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.start(data, java.util.Map.of());
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  @Test
  void theMatrixListsEveryRegisteredRouteAndNoOther() throws Exception {
    Set<String> registered = new LinkedHashSet<>();
    for (HttpApi.Route r : t.server().http().routes()) {
      registered.add(r.method() + " " + r.path());
    }
    Set<String> documented = new LinkedHashSet<>();
    for (Row r : matrix()) {
      assertThat(documented.add(r.route())).as("docs/security.md lists %s twice", r.route()).isTrue();
    }
    assertThat(documented).as("docs/security.md's authorization matrix must list every route: add a row (and decide "
        + "its role) for the missing ones, remove rows of routes that are gone").containsExactlyInAnyOrderElementsOf(registered);
  }

  @Test
  void everyRouteDeclaresTheLeastRoleItsRowImplies() throws Exception {
    SoftAssertions soft = new SoftAssertions();
    List<Row> rows = matrix();
    for (HttpApi.Route r : t.server().http().routes()) {
      Row row = rows.stream().filter(x -> x.route().equals(r.method() + " " + r.path())).findFirst().orElse(null);
      if (row == null) {
        continue; // reported by theMatrixListsEveryRegisteredRouteAndNoOther
      }
      soft.assertThat(r.roles()).as("roles of %s", row.route()).containsExactly(leastRole(row));
    }
    soft.assertAll();
  }

  @Test
  void theBlocklistFeedAnswersItsOwnTokenOnly() throws Exception {
    String token = t.server().response().feedToken();
    assertThat(t.get("/api/blocklist.txt", "Bearer " + token).statusCode()).isEqualTo(200);
    assertThat(t.get("/api/blocklist.txt?token=" + token, null).statusCode()).isEqualTo(200);
  }

  @Test
  void everyRouteAnswersEveryCallerAsItsRowSays() throws Exception {
    List<String> auth = java.util.Arrays.asList(null, TestServer.ingest(), t.viewer(), t.analyst(), t.adminUser(),
        t.admin());
    SoftAssertions soft = new SoftAssertions();
    for (Row row : matrix()) {
      if (row.method().equals("WS")) {
        continue; // the handshake is not a plain request; its declared role is checked above
      }
      for (int c = 0; c < COLUMNS.size(); c++) {
        String cell = row.cells().get(c);
        String who = COLUMNS.get(c);
        if (cell.equals("own")) {
          HttpResponse<String> mine = probe(row, OWN_NAMES.get(c), auth.get(c));
          soft.assertThat(mine.statusCode()).as("%s by %s for their own account: %s", row.route(), who, mine.body())
              .isNotIn(401, 403).isLessThan(500);
          HttpResponse<String> other = probe(row, "matrix-probe", auth.get(c));
          soft.assertThat(other.statusCode()).as("%s by %s for another account: %s", row.route(), who, other.body())
              .isEqualTo(403);
          continue;
        }
        HttpResponse<String> r = probe(row, "matrix-probe", auth.get(c));
        switch (cell) {
          case "yes" -> soft.assertThat(r.statusCode()).as("%s by %s: %s", row.route(), who, r.body())
              .isNotIn(401, 403).isLessThan(500);
          case "501" -> soft.assertThat(r.statusCode()).as("%s by %s (a placeholder: let in, not built yet): %s",
              row.route(), who, r.body()).isEqualTo(501);
          case "feed" -> soft.assertThat(r.statusCode()).as("%s by %s (the feed token only): %s", row.route(), who,
              r.body()).isEqualTo(401);
          case "401", "403" -> soft.assertThat(r.statusCode()).as("%s by %s: %s", row.route(), who, r.body())
              .isEqualTo(Integer.parseInt(cell));
          default -> soft.fail("docs/security.md: cell '%s' of %s / %s is not yes, own, 501, feed, 401 or 403", cell, row.route(), who);
        }
      }
    }
    soft.assertAll();
  }

  /** Calls the route with harmless arguments: ids that do not exist, no body. */
  private static HttpResponse<String> probe(Row row, String username, String auth) throws Exception {
    String path = row.path().replace("{username}", username == null ? "matrix-probe" : username)
        .replace("{alert_id}", "999999999").replace("{event_id}", "999999999")
        .replaceAll("\\{[a-z_]+}", "matrix-probe");
    return t.request(row.method(), path, auth, null, null);
  }

  /** The role a row implies: the least caller it lets in. */
  private static RouteRole leastRole(Row row) {
    List<String> c = row.cells();
    if (c.get(0).equals("yes") || c.get(0).equals("feed")) {
      return Role.PUBLIC;
    }
    if (c.get(1).equals("yes")) {
      return Role.INGEST;
    }
    if (!c.get(2).equals("403")) {
      return Role.VIEWER;
    }
    if (!c.get(3).equals("403")) {
      return Role.ANALYST;
    }
    return Role.ADMIN;
  }

  static List<Row> matrix() throws Exception {
    List<String> lines = Files.readAllLines(DOC);
    int start = lines.indexOf("## Authorization matrix");
    assertThat(start).as("docs/security.md has a '## Authorization matrix' section").isNotNegative();
    List<Row> rows = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      Matcher m = ROW.matcher(lines.get(i));
      if (m.matches()) {
        List<String> cells = List.of(m.group(3).split("\\|")).stream().map(String::strip).toList();
        assertThat(cells).as("docs/security.md row %s has a cell per caller (%s)", m.group(2), COLUMNS)
            .hasSize(COLUMNS.size());
        rows.add(new Row(m.group(1), m.group(2), cells));
      }
    }
    assertThat(rows).as("rows of the authorization matrix").isNotEmpty();
    return rows;
  }
}
