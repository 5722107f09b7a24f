package io.phosor.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Elasticsearch/OpenSearch {@code _bulk} API: NDJSON, an {@code index} action with the record's stable id and its
 * document per record, so a batch sent twice (a retry after a lost answer) leaves one copy. The answer is read item by
 * item: 2xx taken, 429 and 5xx sent again, any other status (a mapping conflict, a malformed document) dropped and
 * counted with the reason. A whole request refused as too large or malformed is split to find the record at fault.
 */
final class OpenSearchOutput implements Output {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Only what the per-item handling reads: keeps the answer small. */
  static final String QUERY = "filter_path=errors,items.*.status,items.*.error.type,items.*.error.reason";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

  private final Destination d;
  private final URI endpoint;
  private final String authorization;
  private final HttpPoster http;

  OpenSearchOutput(Destination d, Duration timeout) {
    this.d = d;
    this.endpoint = URI.create(d.url().toString().replaceAll("/+$", "") + "/_bulk?" + QUERY);
    if (d.username() != null) {
      this.authorization = "Basic " + Base64.getEncoder().encodeToString((d.username() + ":" + d.password())
          .getBytes(StandardCharsets.UTF_8));
    } else if (d.apiKey() != null) {
      this.authorization = "ApiKey " + d.apiKey();
    } else {
      this.authorization = null;
    }
    this.http = new HttpPoster(d, timeout, target());
  }

  @Override
  public String target() {
    return HttpPoster.safe(d.url());
  }

  /** The index of a record: its kind's pattern with {@code {yyyy.MM.dd}} replaced by the record's UTC day. */
  String index(Item item) {
    String pattern = d.indices().get(item.kind());
    return pattern.contains("{yyyy.MM.dd}") ? pattern.replace("{yyyy.MM.dd}", DAY.format(item.time())) : pattern;
  }

  @Override
  public byte[] encode(Item item) {
    Map<String, Object> action = new LinkedHashMap<>();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("_index", index(item));
    meta.put("_id", item.docId());
    action.put("index", meta);
    Map<String, Object> doc = item.doc();
    if (item.kind() != Kind.EVENTS) {
      // alerts and incident changes get the time they are about as @timestamp, for time-based dashboards
      doc = new LinkedHashMap<>(doc);
      doc.putIfAbsent("@timestamp", item.time().toString());
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(512);
      out.writeBytes(JSON.writeValueAsBytes(action));
      out.write('\n');
      out.writeBytes(JSON.writeValueAsBytes(doc));
      out.write('\n');
      return out.toByteArray();
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
    HttpPoster.Answer a = http.post(endpoint, "application/x-ndjson", authorization, body.toByteArray());
    String why = target() + ": HTTP " + a.status();
    if (a.status() == 401 || a.status() == 403) {
      throw new SendFailure(why + ": refused (check the username and password or the API key, and that they may "
          + "write to the indices)", false);
    }
    if (a.status() == 413) {
      throw new SendFailure(why + ": request too large", true);
    }
    if (a.status() == 400) {
      throw new SendFailure(why + ": " + reason(a.body()), true);
    }
    if (a.status() < 200 || a.status() >= 300) {
      throw new SendFailure(why + (a.status() == 429 ? " (busy)" : "") + ": " + reason(a.body()), false);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(a.body());
    } catch (JsonProcessingException e) {
      throw new SendFailure(target() + ": the bulk answer is not JSON (or larger than " + HttpPoster.MAX_ANSWER
          + " bytes)", false);
    }
    if (answer == null || !answer.path("errors").asBoolean(false)) {
      return Result.ALL_OK;
    }
    JsonNode items = answer.path("items");
    if (!items.isArray() || items.size() != batch.size()) {
      throw new SendFailure(target() + ": the bulk answer has " + items.size() + " items for " + batch.size()
          + " records", false);
    }
    List<Encoded> retry = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      JsonNode result = items.get(i).elements().hasNext() ? items.get(i).elements().next() : null;
      int status = result == null ? 0 : result.path("status").asInt(0);
      if (status >= 200 && status < 300) {
        continue;
      }
      if (status == 429 || status >= 500 || status == 0) {
        retry.add(batch.get(i));
      } else {
        JsonNode err = result.path("error");
        rejected.add(new Rejected(batch.get(i), target() + ": HTTP " + status + " " + err.path("type").asText("")
            + ": " + SplunkHecOutput.oneLine(err.path("reason").asText(""))));
      }
    }
    return new Result(retry, rejected);
  }

  private static String reason(String body) {
    try {
      JsonNode n = JSON.readTree(body == null ? "" : body);
      if (n != null && n.path("error").isObject()) {
        return SplunkHecOutput.oneLine(n.path("error").path("type").asText("") + ": "
            + n.path("error").path("reason").asText(""));
      }
    } catch (JsonProcessingException e) {
      // not JSON: show the start of the text
    }
    return SplunkHecOutput.oneLine(body == null ? "" : body);
  }

  @Override
  public void close() {
    // nothing held open beyond the client's pooled connections
  }
}
