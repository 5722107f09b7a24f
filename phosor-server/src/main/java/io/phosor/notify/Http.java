package io.phosor.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.respond.ActionFailure;
import io.phosor.httpclient.LimitedBody;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;

/**
 * One HTTP attempt for an integration: a shared {@link HttpClient} (HTTP/1.1, redirects never followed), the whole
 * exchange (connect, headers and body) bounded by the action timeout, the answer's body read up to
 * {@link #MAX_BODY} bytes, and the failure classified as retryable or not. Messages never carry the URL or any
 * other secret: {@link Text#scrub} removes the ones the caller names.
 */
final class Http {
  /** Answers are small JSON documents (a SCIM list of one user, PagerDuty's status); more is cut off. */
  static final int MAX_BODY = 256 * 1024;

  static final ObjectMapper JSON = new ObjectMapper();

  /** One client per connect timeout; the server has one action timeout, so one client. */
  private static final Map<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();

  private final HttpClient client;
  private final Duration timeout;
  private final String what;
  private final List<String> secrets;

  /**
   * @param what names the endpoint in messages ("Slack webhook"), never its URL
   * @param secrets strings that must never appear in a message (the URL, its path, tokens)
   */
  Http(Duration timeout, String what, List<String> secrets) {
    this.timeout = timeout;
    this.what = what;
    this.secrets = List.copyOf(secrets);
    this.client = CLIENTS.computeIfAbsent(timeout, t -> HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER) // a redirect could carry a signed request elsewhere
        .connectTimeout(t)
        .build());
  }

  /**
   * The secrets of a URL: the whole URL, its path and query, their long segments and values (webhook URLs keep
   * their secret there).
   */
  static List<String> secretsOf(URI url) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    out.add(url.toString());
    if (url.getRawPath() != null && url.getRawPath().length() > 1) {
      out.add(url.getRawPath());
    }
    if (url.getRawQuery() != null && !url.getRawQuery().isEmpty()) {
      out.add(url.getRawQuery());
      for (String pair : url.getRawQuery().split("&")) {
        String value = pair.substring(pair.indexOf('=') + 1);
        if (value.length() >= 8) {
          out.add(value); // e.g. the sig= of a Teams Workflows URL
        }
      }
    }
    if (url.getRawPath() != null) {
      for (String segment : url.getRawPath().split("/")) {
        if (segment.length() >= 12) {
          out.add(segment); // e.g. the token that ends a Slack webhook URL
        }
      }
    }
    // longest first, so that the whole URL is replaced before its parts
    out.sort(java.util.Comparator.comparingInt(String::length).reversed());
    return out;
  }

  /** A request builder for {@code url} with the per-request timeout and Phosor's user agent. */
  HttpRequest.Builder request(URI url) {
    return HttpRequest.newBuilder(url).timeout(timeout).header("User-Agent", "Phosor");
  }

  /** The status and (bounded) body of an answer. */
  record Answer(int status, String body, java.net.http.HttpHeaders headers) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** A JSON object with its keys in the order given (key, value, key, value, ...); values may be null. */
  static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** JSON for a request body. */
  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Sends the request once and returns whatever status came back; throws only when no answer came (timeout,
   * refused connection, TLS failure).
   */
  Answer exchange(HttpRequest request) throws ActionFailure {
    CompletableFuture<HttpResponse<String>> future;
    try {
      future = client.sendAsync(request, info -> new LimitedBody(MAX_BODY));
    } catch (IllegalArgumentException e) { // e.g. a header value the client refuses
      throw new ActionFailure(what + ": request refused by the HTTP client: " + scrub(e.getMessage()), false);
    }
    try {
      // HttpRequest.timeout bounds the wait for the headers only; this bounds the body too
      HttpResponse<String> r = future.get(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
      return new Answer(r.statusCode(), r.body(), r.headers());
    } catch (TimeoutException e) {
      future.cancel(true); // aborts the exchange and closes its connection
      throw timedOut();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ActionFailure(what + ": interrupted (Phosor is stopping)", true);
    } catch (CancellationException e) {
      throw new ActionFailure(what + ": cancelled", true);
    } catch (ExecutionException e) {
      throw classify(e.getCause());
    }
  }

  /**
   * Sends the request once and checks that the answer is a 2xx: 429, 408 and 5xx are retryable failures, any
   * other status is not (a redirect is not followed: it is a configuration problem).
   */
  Answer send(HttpRequest request) throws ActionFailure {
    Answer a = exchange(request);
    if (!a.ok()) {
      throw statusFailure(a);
    }
    return a;
  }

  /** The failure for a non-2xx answer. */
  ActionFailure statusFailure(Answer a) {
    boolean retryable = retryable(a.status());
    StringBuilder m = new StringBuilder(what).append(": HTTP ").append(a.status());
    if (a.status() >= 300 && a.status() < 400) {
      m.append(" (redirects are not followed; check the URL)");
    } else if (a.status() == 401 || a.status() == 403) {
      m.append(" (refused: check the token, password or permissions)");
    }
    String retryAfter = a.headers().firstValue("Retry-After").orElse(null);
    if (retryAfter != null && a.status() == 429) {
      m.append(" (Retry-After ").append(Text.oneLine(retryAfter, 40)).append(')');
    }
    String body = Text.oneLine(a.body(), 300);
    if (!body.isEmpty()) {
      m.append(": ").append(body);
    }
    return new ActionFailure(scrub(m.toString()), retryable);
  }

  /** Whether a status means a later attempt may succeed: 408, 429 and 5xx (as PagerDuty and Slack document). */
  static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  private ActionFailure timedOut() {
    return new ActionFailure(what + ": no answer within " + Text.seconds(timeout) + " (timed out)", true);
  }

  private ActionFailure classify(Throwable t) {
    if (t instanceof HttpTimeoutException) {
      return timedOut();
    }
    if (t instanceof ConnectException) {
      // the JDK reports a connect timeout as HttpConnectTimeoutException (a ConnectException too)
      boolean timedOut = t instanceof java.net.http.HttpConnectTimeoutException;
      return new ActionFailure(what + (timedOut ? ": connection timed out after " + Text.seconds(timeout)
          : ": connection refused"), true);
    }
    if (t instanceof SSLHandshakeException && hasCause(t, CertificateException.class)) {
      return new ActionFailure(what + ": TLS certificate not trusted (" + scrub(Text.oneLine(rootMessage(t), 200))
          + ")", false);
    }
    if (t instanceof java.net.UnknownHostException) {
      return new ActionFailure(what + ": host name not found (DNS)", true);
    }
    if (t instanceof IOException) {
      return new ActionFailure(what + ": I/O error (" + t.getClass().getSimpleName() + ": "
          + scrub(Text.oneLine(String.valueOf(t.getMessage()), 200)) + ")", true);
    }
    return new ActionFailure(what + ": " + t.getClass().getSimpleName() + ": "
        + scrub(Text.oneLine(String.valueOf(t.getMessage()), 200)), false);
  }

  private static boolean hasCause(Throwable t, Class<?> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage());
  }

  /** The text with every secret of this endpoint removed. */
  String scrub(String text) {
    return Text.scrub(text, secrets);
  }
}
