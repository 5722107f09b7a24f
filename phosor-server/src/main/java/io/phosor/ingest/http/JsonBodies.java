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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
    int bad = invalidUtf8(body);
    if (bad >= 0) {
      throw ApiException.badRequest("malformed JSON: the body is not UTF-8 (invalid byte at offset " + bad + ")");
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

  /**
   * Offset of the first byte that is not valid UTF-8, or -1. Checked before Jackson, which decodes a field
   * name only the first time it meets its bytes: once "ser" was read, {@code {"\xFFser": 1}} was read as
   * {"ser": 1} (its byte padding of short names collides with a leading 0xFF), so the same body was
   * refused or accepted depending on earlier requests (found by fuzzing the HEC endpoint).
   */
  static int invalidUtf8(byte[] b) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b);
    CharBuffer out = CharBuffer.allocate(8192);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isError()) {
        return in.position();
      }
      if (r.isUnderflow()) {
        return -1;
      }
      out.clear();
    }
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
