package io.phosor.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Query and path parameters, parsed and bounded in one place: a bad value is a 400 naming the parameter. */
public final class Params {
  private Params() {}

  /** Query parameter {@code name} as an int in [min, max], or {@code dflt} when absent. */
  public static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a number " + min + "-" + max + ", was '" + abbreviate(v) + "'");
    }
    if (n < min || n > max) {
      throw ApiException.badRequest(name + " must be " + min + "-" + max + ", was " + n);
    }
    return n;
  }

  /** Query parameter {@code name} as a positive long, or null when absent. */
  public static Long longParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a positive whole number, was '" + abbreviate(v) + "'");
    }
  }

  /** Path parameter {@code name} as a positive long id (404 when it cannot be one: no such thing exists). */
  public static long idPath(Context ctx, String name) {
    String v = ctx.pathParam(name);
    try {
      long n = Long.parseLong(v);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ApiException(404, "not_found", "no " + name.replace('_', ' ') + " '" + abbreviate(v) + "'");
  }

  /**
   * Query parameter {@code name} as an instant: ISO-8601 ({@code 2026-11-21T10:00:00Z}), a date
   * ({@code 2026-11-21}, midnight UTC) or epoch milliseconds; null when absent.
   */
  public static Instant instantParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    String t = v.trim();
    try {
      if (t.chars().allMatch(Character::isDigit) && t.length() <= 15) {
        return Instant.ofEpochMilli(Long.parseLong(t));
      }
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(t);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw ApiException.badRequest(name + " must be an ISO-8601 time (2026-11-21T10:00:00Z), a date (2026-11-21) "
          + "or epoch milliseconds, was '" + abbreviate(v) + "'");
    }
  }

  /**
   * The request body as a JSON object whose fields are all in {@code allowed} (a typo is a 400, not a silently
   * ignored field); 400 when it is not valid JSON or not an object.
   */
  public static JsonNode jsonObject(Context ctx, ObjectMapper mapper, List<String> allowed) {
    String text = ctx.body();
    JsonNode n;
    try {
      n = text.isBlank() ? null : mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("body is not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw ApiException.badRequest("body must be a JSON object with " + String.join(", ", allowed));
    }
    var it = n.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw ApiException.badRequest("unknown field '" + abbreviate(f) + "'; accepted: " + String.join(", ", allowed));
      }
    }
    return n;
  }

  /** Cuts user input quoted in an error message to a readable length. */
  public static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
