package io.phosor.intel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A remote reputation service reached over HTTPS with the JDK's HttpClient: one GET per address, an API key in
 * a header (never in the URL, never logged), a timeout, a bounded answer, and no redirects (a redirect could
 * carry the key elsewhere).
 */
abstract class RemoteService {
  /** Largest answer read: an OTX answer for a busy address lists many pulses, still far below this. */
  static final int MAX_ANSWER_BYTES = 4 << 20;
  static final ObjectMapper JSON = new ObjectMapper();

  /** A look-up that did not give an answer: the message says why, without the key. */
  static final class LookupException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    LookupException(String message, long retryAfterSeconds) {
      super(message);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds the service asked us to wait (429 Retry-After), or 0. */
    long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  private final HttpClient http;
  private final Duration timeout;

  RemoteService(HttpClient http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  /** The service's name in answers and metrics. */
  abstract String name();

  /** The request for {@code ip} (its canonical text). */
  abstract HttpRequest.Builder request(Ip.Block ip);

  /** The fields kept from a 200 answer. */
  abstract Map<String, Object> parse(JsonNode body) throws LookupException;

  /** Asks the service about {@code ip}. */
  final Map<String, Object> lookup(Ip.Block ip) throws LookupException, InterruptedException {
    HttpRequest req = request(ip).timeout(timeout).header("User-Agent", "Phosor").GET().build();
    HttpResponse<InputStream> resp;
    try {
      resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new LookupException(name() + " did not answer within " + timeout.toSeconds() + " s", 0);
    } catch (IOException e) {
      throw new LookupException(name() + " cannot be reached: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()), 0);
    }
    byte[] body;
    try (InputStream in = resp.body()) {
      body = in.readNBytes(MAX_ANSWER_BYTES + 1);
    } catch (IOException e) {
      throw new LookupException(name() + ": reading the answer failed: " + e.getMessage(), 0);
    }
    if (body.length > MAX_ANSWER_BYTES) {
      throw new LookupException(name() + " answered more than " + (MAX_ANSWER_BYTES >> 20) + " MiB", 0);
    }
    int status = resp.statusCode();
    if (status == 429) {
      OptionalLong after = resp.headers().firstValueAsLong("Retry-After");
      throw new LookupException(name() + " refused: its own rate limit or quota is used up (429)",
          after.isPresent() ? Math.max(0, after.getAsLong()) : 60);
    }
    if (status != 200) {
      throw new LookupException(name() + " answered HTTP " + status + detail(body), 0);
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      throw new LookupException(name() + " answered something other than JSON", 0);
    }
    return parse(json);
  }

  /** The service's own error text (AbuseIPDB: errors[].detail; OTX: detail), abbreviated. */
  private static String detail(byte[] body) {
    try {
      JsonNode j = JSON.readTree(body);
      String d = j.path("errors").path(0).path("detail").asText(j.path("detail").asText(""));
      return d.isEmpty() ? "" : ": " + IndicatorParsers.abbreviate(d);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** {@code base} with {@code path} appended (one slash between them). */
  static URI resolve(URI base, String path) {
    String b = base.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return URI.create(b + path);
  }
}
