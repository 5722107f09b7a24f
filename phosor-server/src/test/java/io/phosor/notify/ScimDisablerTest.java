package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.notify.RecordingServer.Reply;
import io.phosor.respond.ActionFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScimDisablerTest extends HttpIntegrationContract {
  static final String TOKEN = "scim-t0ken-0123456789abcdef";

  @Override
  String path() {
    return "/scim/v2";
  }

  @Override
  List<String> secrets() {
    return List.of(TOKEN);
  }

  @Override
  String attempt(URI url, Duration timeout) throws ActionFailure {
    return new ScimDisabler(url, TOKEN, timeout).disable("alice", Notices.incident());
  }

  static Reply list(String... resources) {
    return Reply.json(200, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\"totalResults\":"
        + resources.length + ",\"startIndex\":1,\"itemsPerPage\":" + resources.length + ",\"Resources\":["
        + String.join(",", resources) + "]}");
  }

  static String user(String id, String userName, boolean active) {
    return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"id\":\"" + id + "\",\"userName\":\""
        + userName.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"active\":" + active + "}";
  }

  ScimDisabler disabler() {
    return new ScimDisabler(server.url("/scim/v2"), TOKEN, Duration.ofSeconds(5));
  }

  @Test
  void findsTheUserByUserNameThenPatchesActiveToFalse() throws Exception {
    server.then(list(user("2819c223-7f76", "alice", true)),
        Reply.json(200, user("2819c223-7f76", "alice", false)));
    String outcome = disabler().disable("alice", Notices.incident());
    assertThat(outcome).isEqualTo("SCIM user 2819c223-7f76 ('alice') active=false (HTTP 200)");
    assertNoSecret(outcome);
    List<RecordingServer.Request> r = server.requests();
    assertThat(r).hasSize(2);

    RecordingServer.Request search = r.get(0);
    assertThat(search.method()).isEqualTo("GET");
    assertThat(search.path()).isEqualTo("/scim/v2/Users");
    assertThat(search.rawQuery()).isEqualTo("filter=userName%20eq%20%22alice%22");
    assertThat(search.query("filter")).isEqualTo("userName eq \"alice\"");
    assertThat(search.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(search.header("Accept")).isEqualTo("application/scim+json");

    RecordingServer.Request patch = r.get(1);
    assertThat(patch.method()).isEqualTo("PATCH");
    assertThat(patch.path()).isEqualTo("/scim/v2/Users/2819c223-7f76");
    assertThat(patch.rawQuery()).isNull();
    assertThat(patch.header("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(patch.header("Content-Type")).isEqualTo("application/scim+json");
    assertThat(patch.header("Accept")).isEqualTo("application/scim+json");
    JsonNode body = patch.json();
    assertThat(body).isEqualTo(RecordingServer.JSON.readTree("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
        + "PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]}"));
  }

  @Test
  void aNoContentAnswerToThePatchIsSuccessAndATrailingSlashInTheBaseUrlIsHarmless() throws Exception {
    server.then(list(user("u-1", "alice", true)), Reply.status(204));
    String outcome = new ScimDisabler(server.url("/scim/v2/"), TOKEN, Duration.ofSeconds(5)).disable("alice", null);
    assertThat(outcome).isEqualTo("SCIM user u-1 ('alice') active=false (HTTP 204)");
    assertThat(server.requests()).extracting(RecordingServer.Request::path)
        .containsExactly("/scim/v2/Users", "/scim/v2/Users/u-1");
  }

  @Test
  void quotesAndBackslashesInTheNameAreEscapedInTheFilterAsRfc7644Requires() throws Exception {
    String name = "o\"brien\\x y";
    server.then(list(user("u-2", name, true)), Reply.status(204));
    disabler().disable(name, null);
    RecordingServer.Request search = server.requests().get(0);
    assertThat(search.query("filter")).isEqualTo("userName eq \"o\\\"brien\\\\x y\"");
    assertThat(search.rawQuery()).doesNotContain(" ").doesNotContain("\"").doesNotContain("+");
  }

  @Test
  void anUnknownUserIsAFailureThatRetryingCannotFix() {
    server.then(list());
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> disabler().disable("ghost", null));
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).isEqualTo("no SCIM user named 'ghost'");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void severalUsersWithTheNameDisableNoneAndAreNotRetried() {
    server.then(list(user("u-1", "alice", true), user("u-2", "ALICE", true)));
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> disabler().disable("alice", null));
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).isEqualTo("2 SCIM users are named 'alice'; none was disabled");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aServerThatIgnoresTheFilterCannotMakeItDisableSomeoneElse() {
    server.then(list(user("u-9", "bob", true)));
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> disabler().disable("alice", null));
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).isEqualTo("no SCIM user named 'alice'");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void anAlreadyInactiveUserIsSuccessWithoutAPatch() throws Exception {
    server.then(list(user("u-1", "alice", false)));
    assertThat(disabler().disable("alice", null)).isEqualTo("SCIM user u-1 already inactive (not changed)");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aPatchThatFindsNoUserIsNotRetried() {
    server.then(list(user("u-1", "alice", true)), Reply.json(404, "{\"status\":\"404\",\"detail\":\"not found\"}"));
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> disabler().disable("alice", null));
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("HTTP 404");
  }

  @Test
  void aPatchThatMeetsAServerErrorIsRetryableAndARefusedTokenIsNot() {
    server.then(list(user("u-1", "alice", true)), Reply.status(503));
    ActionFailure busy = catchThrowableOfType(ActionFailure.class, () -> disabler().disable("alice", null));
    assertThat(busy.retryable()).isTrue();
    assertThat(busy.getMessage()).isEqualTo("SCIM server: HTTP 503");

    server.then(list(user("u-1", "alice", true)), Reply.json(401, "{\"detail\":\"bad token " + TOKEN + "\"}"));
    ActionFailure refused = catchThrowableOfType(ActionFailure.class, () -> disabler().disable("alice", null));
    assertThat(refused.retryable()).isFalse();
    assertThat(refused.getMessage()).contains("HTTP 401").contains("check the token");
    assertNoSecret(refused.getMessage());
  }

  @Test
  void anAnswerThatIsNotAListResponseIsNotRetried() {
    server.then(Reply.text(200, "<html>login page</html>"));
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> disabler().disable("alice", null));
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("not a SCIM ListResponse");
  }
}
