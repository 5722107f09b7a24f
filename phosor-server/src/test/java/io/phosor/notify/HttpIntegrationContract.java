package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.phosor.notify.RecordingServer.Reply;
import io.phosor.respond.ActionFailure;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The failure classes every HTTP integration shares, run against a local server: 408, 429 and 5xx are retryable,
 * other 4xx and redirects are not, a refused connection is retryable, a hanging endpoint is cut off at the timeout,
 * and no message names a secret. Each integration's test class extends it and adds its exact-request tests.
 */
abstract class HttpIntegrationContract {
  RecordingServer server;

  @BeforeEach
  void startServer() {
    server = RecordingServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** The path the integration is configured with (webhook URLs carry their secret in it). */
  abstract String path();

  /** Strings that must never appear in an outcome or failure message. */
  abstract List<String> secrets();

  /** Builds the integration for {@code url} with {@code timeout} and makes one attempt; returns the outcome. */
  abstract String attempt(URI url, Duration timeout) throws ActionFailure;

  String attempt() throws ActionFailure {
    return attempt(server.url(path()), Duration.ofSeconds(5));
  }

  ActionFailure failure() {
    ActionFailure f = catchThrowableOfType(ActionFailure.class, this::attempt);
    assertThat(f).as("the attempt fails").isNotNull();
    assertNoSecret(f.getMessage());
    return f;
  }

  void assertNoSecret(String text) {
    for (String s : secrets()) {
      assertThat(text).doesNotContain(s);
    }
  }

  @ParameterizedTest(name = "HTTP {0} is a retryable failure")
  @ValueSource(ints = {408, 429, 500, 502, 503})
  void rateLimitingAndServerErrorsAreRetryable(int status) {
    server.then(Reply.text(status, "try later"));
    ActionFailure f = failure();
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).contains("HTTP " + status);
  }

  @ParameterizedTest(name = "HTTP {0} is a failure that retrying cannot fix")
  @ValueSource(ints = {400, 401, 403, 404, 410})
  void clientErrorsAreNotRetryable(int status) {
    server.then(Reply.text(status, "invalid_payload"));
    ActionFailure f = failure();
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("HTTP " + status);
  }

  @Test
  void aRedirectIsNotFollowedAndNotRetried() {
    server.then(Reply.status(302).withHeader("Location", server.url("/elsewhere").toString()));
    ActionFailure f = failure();
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("HTTP 302").contains("redirect");
    assertThat(server.requests()).extracting(RecordingServer.Request::path).doesNotContain("/elsewhere");
  }

  @Test
  void aRefusedConnectionIsRetryable() {
    URI refused = URI.create("http://127.0.0.1:" + RecordingServer.closedPort() + path());
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> attempt(refused, Duration.ofSeconds(5)));
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).contains("connection refused");
    assertNoSecret(f.getMessage());
  }

  @Test
  void aHangingEndpointIsCutOffAtTheTimeoutAndIsRetryable() {
    server.otherwise(Reply.hanging());
    long start = System.nanoTime();
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> attempt(server.url(path()), Duration.ofSeconds(1)));
    Duration took = RecordingServer.elapsedSince(start);
    assertThat(f).isNotNull();
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).contains("timed out").contains("1 s");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(4));
    assertNoSecret(f.getMessage());
  }

  @Test
  void anAnswerThatEchoesTheSecretsDoesNotPutThemInTheMessage() {
    String echo = String.join(" ", secrets()) + " " + server.url(path());
    server.otherwise(Reply.text(400, "bad request: " + echo));
    ActionFailure f = failure();
    assertThat(f.getMessage()).contains("HTTP 400").contains("[redacted]");
  }
}
