package io.phosor.forward;

import io.phosor.httpclient.LimitedBody;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * POSTs one request body for an HTTP destination (the JDK's HTTP client, HTTP/1.1, redirects never followed, the
 * destination's TLS settings): the whole exchange is bounded by the timeout and the answer's body by
 * {@link #MAX_ANSWER} bytes. No message carries a header value (tokens) or the request body.
 */
final class HttpPoster {
  /** A bulk answer filtered to status and error per item is ~100 bytes an item; 10,000 items fit. */
  static final int MAX_ANSWER = 4 << 20;

  private final HttpClient client;
  private final Duration timeout;
  private final String target;

  HttpPoster(Destination d, Duration timeout, String target) {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout);
    if ("https".equalsIgnoreCase(d.url().getScheme())) {
      b.sslContext(ForwardTls.sslContext(d));
    }
    this.client = b.build();
    this.timeout = timeout;
    this.target = target;
  }

  /** A status and the (bounded) body of an answer. */
  record Answer(int status, String body, String retryAfter) {}

  /**
   * Sends the body once and returns whatever status came back.
   *
   * @throws Output.SendFailure (to retry) when no answer came: refused, timed out, TLS failure
   */
  Answer post(URI uri, String contentType, String authorization, byte[] body) throws Output.SendFailure {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "Phosor")
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    CompletableFuture<HttpResponse<String>> f = client.sendAsync(r.build(), info -> new LimitedBody(MAX_ANSWER));
    try {
      HttpResponse<String> resp = f.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
      return new Answer(resp.statusCode(), resp.body(), resp.headers().firstValue("Retry-After").orElse(null));
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new Output.SendFailure(target + ": no answer within " + timeout.toSeconds() + " s", false);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new Output.SendFailure(target + ": interrupted (Phosor is stopping)", false);
    } catch (ExecutionException e) {
      throw new Output.SendFailure(target + ": " + describe(e.getCause()), false);
    }
  }

  private static String describe(Throwable t) {
    if (t instanceof HttpConnectTimeoutException) {
      return "connection timed out";
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (t instanceof SSLException) {
      return "TLS failed (" + root(t) + ")";
    }
    if (t instanceof IOException) {
      return "I/O error (" + root(t) + ")";
    }
    return t.getClass().getSimpleName() + ": " + root(t);
  }

  private static String root(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = String.valueOf(c.getMessage());
    return m.length() > 300 ? m.substring(0, 300) : m;
  }


  /** The URL without user info, query or fragment: safe to show. */
  static String safe(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }
}
