package io.phosor.ingest.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.phosor.api.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads request bodies that hold one JSON object, an array of objects, or NDJSON / concatenated objects. */
final class JsonBodies {
  /** Bounds the work one request can cause; larger batches must be split by the sender. */
  static final int MAX_EVENTS_PER_REQUEST = 10_000;

  private JsonBodies() {}

  static List<ObjectNode> objects(ObjectMapper mapper, byte[] body) {
    List<ObjectNode> out = new ArrayList<>();
    int first = firstNonSpace(body);
    if (first < 0) {
      throw new ApiException(400, "no_data", "request body is empty; send a JSON object, an array or NDJSON");
    }
    try (JsonParser p = mapper.getFactory().createParser(body)) {
      if (body[first] == '[') {
        JsonNode arr = mapper.readTree(p);
        if (p.nextToken() != null) {
          throw ApiException.badRequest("unexpected content after the JSON array");
        }
        int i = 0;
        for (JsonNode n : arr) {
          i++;
          add(out, n, i);
        }
      } else {
        MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(p);
        int i = 0;
        while (it.hasNextValue()) {
          i++;
          add(out, it.nextValue(), i);
        }
      }
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("unreadable body: " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof ApiException a) {
        throw a;
      }
      if (e.getCause() instanceof JsonProcessingException j) {
        throw ApiException.badRequest("malformed JSON at line " + j.getLocation().getLineNr() + ", column "
            + j.getLocation().getColumnNr() + ": " + j.getOriginalMessage());
      }
      throw e;
    }
    return out;
  }

  private static void add(List<ObjectNode> out, JsonNode n, int index) {
    if (!(n instanceof ObjectNode o)) {
      throw ApiException.badRequest("event #" + index + " is " + describe(n) + ", expected a JSON object");
    }
    if (out.size() >= MAX_EVENTS_PER_REQUEST) {
      throw new ApiException(413, "too_many_events", "more than " + MAX_EVENTS_PER_REQUEST
          + " events in one request; split the batch");
    }
    out.add(o);
  }

  static String describe(JsonNode n) {
    if (n == null || n.isNull()) {
      return "null";
    }
    JsonToken t = n.asToken();
    return switch (t) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> t.toString();
    };
  }

  private static int firstNonSpace(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        // Skip a UTF-8 BOM.
        if ((c & 0xff) == 0xEF && i + 2 < b.length && (b[i + 1] & 0xff) == 0xBB && (b[i + 2] & 0xff) == 0xBF) {
          i += 2;
          continue;
        }
        return i;
      }
    }
    return -1;
  }
}
