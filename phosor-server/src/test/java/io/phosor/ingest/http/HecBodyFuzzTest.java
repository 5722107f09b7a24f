package io.phosor.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz target (Jazzer) for the Splunk HEC body parser, end to end: each input is the body
 * of a {@code POST /services/collector/event} to a real server (started once for the class), so the body
 * parser, the envelope handling (event, time, host, fields), the journal and the event parser behind it all
 * see it. In {@code ./mvnw verify} it replays the inputs under
 * {@code src/test/resources/io/phosor/ingest/http/HecBodyFuzzTestInputs/events/} (docs/fuzzing.md).
 *
 * <p>Properties: the answer is one of HEC's documented ones (200 "Success" code 0; 400 with code 5 "No
 * data", 6 "Invalid data format", 12 "Event field is required" or 13 "Event field cannot be blank"); never
 * a 5xx (one client sending one request at a time keeps the queue empty, so a 503 means ingestion broke);
 * a 200 only for a body whose JSON values are all objects with an "event"; and the server stays healthy.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class HecBodyFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Integer> BAD_REQUEST_CODES = Set.of(5, 6, 12, 13);
  private static Path data;
  private static TestServer server;
  private static long requests;

  @BeforeAll
  static void start() throws Exception {
    data = Files.createTempDirectory("phosor-hec-fuzz");
    // no rate limiting: the fuzzer is one fast source and the limiter is not what is under test
    server = TestServer.start(data, Map.of("PHOSOR_RATE_LIMIT_PER_SECOND", "0"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @FuzzTest(maxDuration = "3m")
  void events(byte[] body) throws Exception {
    HttpResponse<String> r = post(body);
    JsonNode answer = JSON.readTree(r.body());
    int code = answer.path("code").asInt(-1);
    String text = answer.path("text").asText();
    if (r.statusCode() == 200) {
      assertThat(code).isZero();
      assertThat(text).isEqualTo("Success");
      if (!allObjectsWithEvent(body)) {
        // say whether the answer belongs to this body: send the same body again
        HttpResponse<String> again = post(body);
        throw new AssertionError("accepted body " + new String(body) + "; sent again: " + again.statusCode() + " "
            + again.body() + "; request " + requests);
      }
    } else {
      assertThat(r.statusCode()).as("status for %s: %s", new String(body), r.body()).isEqualTo(400);
      assertThat(code).as("HEC code: %s", r.body()).isIn(BAD_REQUEST_CODES);
    }
    requests++;
    if (requests % 1000 == 0 || body.length == 0) {
      assertThat(server.get("/health", null).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> post(byte[] body) throws Exception {
    return server.send(HttpRequest.newBuilder(URI.create(server.url("/services/collector/event")))
        .header("Authorization", "Splunk " + TestServer.INGEST_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** Whether every JSON value in the body (concatenated, or one array's elements) is an object with "event". */
  private static boolean allObjectsWithEvent(byte[] body) {
    try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(body)) {
      int n = 0;
      while (it.hasNextValue()) {
        JsonNode v = it.nextValue();
        for (JsonNode o : v.isArray() ? v : java.util.List.of(v)) {
          if (!o.isObject() || !o.has("event")) {
            return false;
          }
          n++;
        }
      }
      return n > 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
