package io.phosor.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splunk's HTTP Event Collector: batches of JSON events POSTed to {@code /services/collector/event} with
 * {@code Authorization: Splunk <token>}, each {@code {"time": <epoch seconds>, "host", "source", "sourcetype", "index",
 * "event": <the record>}} (events one after another in one body, as HEC takes them). HEC answers 200 for a batch it
 * took; 400 with {@code invalid-event-number} when an event of the batch is malformed (those before it were taken, that
 * one is dropped, the rest are sent again), 403/401 for a bad token, 503 when busy.
 */
final class SplunkHecOutput implements Output {
  static final String PATH = "/services/collector/event";
  /** Times as plain decimals ("1795323069.883"), never in exponent notation. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private final Destination d;
  private final URI endpoint;
  private final String host;
  private final HttpPoster http;

  SplunkHecOutput(Destination d, Duration timeout, String localHostname) {
    this.d = d;
    String path = d.url().getRawPath() == null ? "" : d.url().getRawPath();
    String base = d.url().toString();
    if (path.endsWith("/services/collector") || path.endsWith("/services/collector/")) {
      this.endpoint = URI.create(base.replaceAll("/+$", "") + "/event");
    } else if (path.endsWith(PATH)) {
      this.endpoint = d.url();
    } else {
      this.endpoint = URI.create(base.replaceAll("/+$", "") + PATH);
    }
    this.host = d.hostname() != null ? d.hostname() : localHostname;
    this.http = new HttpPoster(d, timeout, target());
  }

  @Override
  public String target() {
    return HttpPoster.safe(endpoint);
  }

  @Override
  public byte[] encode(Item item) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", BigDecimal.valueOf(item.time().toEpochMilli()).movePointLeft(3));
    m.put("host", host);
    m.put("source", d.source());
    m.put("sourcetype", d.sourcetype() != null ? d.sourcetype() : "phosor:" + item.kind().singular());
    if (d.index() != null) {
      m.put("index", d.index());
    }
    m.put("event", item.doc());
    try {
      byte[] json = JSON.writeValueAsBytes(m);
      byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n'; // events one per line: the body is exactly the records' bytes
      return line;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the record as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public Result send(List<Encoded> batch) throws SendFailure {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Encoded e : batch) {
      body.writeBytes(e.bytes());
    }
    HttpPoster.Answer a = http.post(endpoint, "application/json", "Splunk " + d.token(), body.toByteArray());
    if (a.status() >= 200 && a.status() < 300) {
      return Result.ALL_OK;
    }
    JsonNode answer = parse(a.body());
    String text = answer.path("text").asText("");
    String why = target() + ": HTTP " + a.status() + (text.isEmpty() ? "" : " (" + oneLine(text) + ", code "
        + answer.path("code").asText("?") + ")");
    if (a.status() == 400 && answer.has("invalid-event-number")) {
      int bad = answer.path("invalid-event-number").asInt(-1);
      if (bad >= 0 && bad < batch.size()) {
        // HEC took the events before the bad one and stopped there
        List<Encoded> retry = new ArrayList<>(batch.subList(bad + 1, batch.size()));
        return new Result(retry, List.of(new Rejected(batch.get(bad), why)));
      }
    }
    if (a.status() == 401 || a.status() == 403) {
      throw new SendFailure(why + ": the HEC token was refused (check the token, that it is enabled and may write "
          + "to the index)", false);
    }
    if (a.status() == 400 || a.status() == 413) {
      throw new SendFailure(why, true);
    }
    throw new SendFailure(why, false);
  }

  private static JsonNode parse(String body) {
    try {
      JsonNode n = JSON.readTree(body == null ? "" : body);
      return n == null ? JSON.createObjectNode() : n;
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode();
    }
  }

  static String oneLine(String s) {
    String t = s.replaceAll("[\\r\\n\\t]+", " ").strip();
    return t.length() > 300 ? t.substring(0, 300) : t;
  }

  @Override
  public void close() {
    // the JDK's HTTP client closes its connections when it is collected
  }
}
