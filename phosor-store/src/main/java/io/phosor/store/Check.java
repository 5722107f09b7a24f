package io.phosor.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Bounds on what the store accepts, checked where values enter (the repositories' public methods), and
 * the JSON the store writes and reads. Violations are {@link IllegalArgumentException}s naming the value.
 */
final class Check {
  /** Ids, names, user names, actors: long enough for anything sensible, short enough to index. */
  static final int MAX_ID = 200;
  /** A rule as submitted; the engine's own rule files are a few kilobytes. */
  static final int MAX_RULE_TEXT = 1 << 20;
  /** Free text: summaries, notes, titles, outcomes. */
  static final int MAX_TEXT = 64 * 1024;
  /** JSON documents: details, parameters, file positions, settings. */
  static final int MAX_JSON = 1 << 20;
  /** One rule's new-value baseline (every value seen per group) may be large. */
  static final int MAX_BASELINE = 64 << 20;
  /** Longest file path Linux accepts (PATH_MAX). */
  static final int MAX_PATH = 4096;
  /** The most records one call stores: the engine and the file tailer write in batches far smaller. */
  static final int MAX_BATCH = 10_000;
  /** The most rows one list call returns. */
  static final int MAX_LIMIT = 1000;

  static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private Check() {}

  /** {@code value} must be non-blank and at most {@code max} characters. */
  static String text(String value, String name, int max) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return optionalText(value, name, max);
  }

  /** {@code value} may be null; otherwise at most {@code max} characters. */
  static String optionalText(String value, String name, int max) {
    if (value != null && value.length() > max) {
      throw new IllegalArgumentException(name + " is " + value.length() + " characters long, more than the "
          + max + " allowed");
    }
    return value;
  }

  /** {@code value} must be non-blank and at most {@code maxBytes} bytes in UTF-8. */
  static String utf8(String value, String name, int maxBytes) {
    text(value, name, maxBytes);
    if ((long) value.length() * 3 > maxBytes) {
      int bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        throw new IllegalArgumentException(name + " is " + bytes + " bytes long, more than the " + maxBytes + " allowed");
      }
    }
    return value;
  }

  /** An id or name: non-blank, at most {@link #MAX_ID} characters, no control characters. */
  static String id(String value, String name) {
    text(value, name, MAX_ID);
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException(name + " must not contain control characters");
      }
    }
    return value;
  }

  /** A JSON document (null allowed) of at most {@code max} characters that parses. */
  static String json(String value, String name, int max) {
    if (value == null) {
      return null;
    }
    optionalText(value, name, max);
    try {
      JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(name + " is not valid JSON: " + e.getOriginalMessage());
    }
    return value;
  }

  /** A batch of {@code size} records of kind {@code what}: at most {@link #MAX_BATCH}. */
  static void batch(int size, String what) {
    if (size > MAX_BATCH) {
      throw new IllegalArgumentException(size + " " + what + " in one call, more than the " + MAX_BATCH
          + " allowed: split the batch");
    }
  }

  /** A list limit: 1 to {@link #MAX_LIMIT}. */
  static int limit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ", was " + limit);
    }
    return limit;
  }

  /** {@code value} written as JSON. */
  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** JSON the store wrote itself, read back. */
  static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored JSON does not parse (was the database edited by hand?): " + e.getOriginalMessage(), e);
    }
  }
}
