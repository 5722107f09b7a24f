package io.phosor.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.respond.AccountDisabler;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * disable_account through a SCIM 2.0 service provider (RFC 7644): finds the user with
 * {@code GET /Users?filter=userName eq "<name>"} (section 3.4.2.2) and sets {@code active} to false with
 * {@code PATCH /Users/{id}} (section 3.5.2, a "replace" operation on the path "active"). A user already inactive
 * is not patched again. The name must match exactly one user (userName compares case-insensitively, RFC 7643
 * section 4.1.1): none or several is a failure that retrying cannot fix.
 */
final class ScimDisabler implements AccountDisabler {
  static final String SCIM_JSON = "application/scim+json";
  static final String LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
  static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
  /** Longest user name accepted; SCIM sets none, identity systems keep them far shorter. */
  static final int MAX_USER_NAME = 256;

  private final String base;
  private final String authorization;
  private final Http http;

  ScimDisabler(URI baseUrl, String token, Duration timeout) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("PHOSOR_SCIM_URL is set but PHOSOR_SCIM_TOKEN is not");
    }
    String b = baseUrl.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    this.base = b;
    this.authorization = "Bearer " + token;
    List<String> secrets = new ArrayList<>(List.of(token));
    this.http = new Http(timeout, "SCIM server", secrets);
  }

  @Override
  public String kind() {
    return "scim";
  }

  @Override
  public String disable(String userName, Notice context) throws ActionFailure {
    if (userName == null || userName.isBlank() || userName.length() > MAX_USER_NAME) {
      throw new ActionFailure("SCIM: the user name must have 1 to " + MAX_USER_NAME + " characters", false);
    }
    String shown = Text.oneLine(userName, 100);
    JsonNode user = find(userName, shown);
    String id = user.path("id").asText("");
    if (id.isEmpty()) {
      throw new ActionFailure("SCIM: the user named '" + shown + "' has no id in the server's answer", false);
    }
    String shownId = Text.oneLine(id, 80);
    if (user.path("active").isBoolean() && !user.path("active").booleanValue()) {
      return "SCIM user " + shownId + " already inactive (not changed)";
    }
    String patch = Http.json(Http.obj("schemas", List.of(PATCH_OP),
        "Operations", List.of(Http.obj("op", "replace", "path", "active", "value", false))));
    HttpRequest request = http.request(URI.create(base + "/Users/" + pathSegment(id)))
        .header("Authorization", authorization)
        .header("Accept", SCIM_JSON)
        .header("Content-Type", SCIM_JSON)
        .method("PATCH", HttpRequest.BodyPublishers.ofString(patch))
        .build();
    Http.Answer a = http.exchange(request);
    if (a.status() == 404) {
      throw new ActionFailure("SCIM: user " + shownId + " ('" + shown + "') disappeared before it was disabled "
          + "(HTTP 404)", false);
    }
    if (!a.ok()) {
      throw http.statusFailure(a);
    }
    if (a.status() == 200 && !a.body().isBlank()) {
      JsonNode after = parse(a.body());
      if (after != null && after.path("active").isBoolean() && after.path("active").booleanValue()) {
        throw new ActionFailure("SCIM: the server answered HTTP 200 but user " + shownId + " is still active", false);
      }
    }
    return "SCIM user " + shownId + " ('" + shown + "') active=false (HTTP " + a.status() + ")";
  }

  private JsonNode find(String userName, String shown) throws ActionFailure {
    URI uri = URI.create(base + "/Users?filter=" + query(filter(userName)));
    Http.Answer a = http.send(http.request(uri)
        .header("Authorization", authorization)
        .header("Accept", SCIM_JSON)
        .GET().build());
    JsonNode list = parse(a.body());
    if (list == null || !list.path("Resources").isArray() && list.path("totalResults").asInt(-1) != 0) {
      throw new ActionFailure("SCIM: the server's answer to the user search is not a SCIM ListResponse", false);
    }
    List<JsonNode> matches = new ArrayList<>();
    for (JsonNode r : list.path("Resources")) {
      // a server that ignored the filter must not make us disable someone else
      if (r.path("userName").asText("").equalsIgnoreCase(userName)) {
        matches.add(r);
      }
    }
    if (matches.isEmpty()) {
      throw new ActionFailure("no SCIM user named '" + shown + "'", false);
    }
    if (matches.size() > 1) {
      throw new ActionFailure(matches.size() + " SCIM users are named '" + shown + "'; none was disabled", false);
    }
    return matches.get(0);
  }

  /**
   * The filter {@code userName eq "<name>"}: RFC 7644 section 3.4.2.2 makes the comparison value a JSON string
   * (RFC 8259 section 7), so quotes, backslashes and control characters are escaped as JSON escapes them.
   */
  static String filter(String userName) {
    return "userName eq " + Http.json(userName);
  }

  /** Percent-encodes a query value (spaces as %20, not '+', which some SCIM servers read literally). */
  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Percent-encodes a path segment (the user's id, chosen by the server). */
  static String pathSegment(String value) {
    return query(value);
  }

  private static JsonNode parse(String body) {
    try {
      return Http.JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
