package io.phosor.search;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Fields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which kinds of values each field holds, so the query parser can build the right query: a fixed list of
 * ECS names (numbers, IPs, dates, text) plus the kinds seen at index time. One field can hold several
 * kinds (a JSON sender may send {@code "port": 22} and {@code "port": "ssh"}); a query then matches any.
 *
 * <p>Lucene requires one schema per field name, so every kind has its own Lucene field: keywords and text
 * under the field's own name, numbers, IPs and dates under the name plus a suffix ({@link #pointField}).
 * What was seen is persisted in each day partition's commit and merged on open ({@link #merge}).
 */
final class FieldKinds {
  /** Exact keyword, stored lower-cased (StringField). */
  static final int KEYWORD = 1;
  /** Whole number (LongPoint). */
  static final int LONG = 2;
  /** Decimal number (DoublePoint). */
  static final int DOUBLE = 4;
  /** IP address (InetAddressPoint), always indexed as a keyword too. */
  static final int IP = 8;
  /** Instant in epoch milliseconds (LongPoint). */
  static final int DATE = 16;
  /** Analyzed text (StandardAnalyzer). */
  static final int TEXT = 32;

  /** Lucene field of the event time: points for range queries, doc values for sorting and histograms. */
  static final String TIMESTAMP_FIELD = pointField(Fields.TIMESTAMP, DATE);
  /** Lucene field of the event id (journal seq): points for get(id), doc values as the sort tie-break. */
  static final String ID_FIELD = pointField(Fields.ID, LONG);
  /** Lucene field of the stored JSON of the event. */
  static final String SOURCE_FIELD = "_source";

  /** First-class properties of an event; a field of the same name in {@code event.fields()} is ignored. */
  static final java.util.Set<String> RESERVED = java.util.Set.of(Fields.ID, Fields.TIMESTAMP, Fields.INGESTED,
      Fields.SOURCE, Fields.SOURCE_ADDRESS, Fields.ORIGINAL, Fields.PARSE_ERROR);

  /** Known ECS kinds, so typed queries work before any such event was indexed. */
  static final Map<String, Integer> FIXED = Map.ofEntries(
      Map.entry(Fields.TIMESTAMP, DATE),
      Map.entry(Fields.INGESTED, DATE),
      Map.entry(Fields.ID, LONG),
      Map.entry(Fields.MESSAGE, TEXT),
      Map.entry(Fields.ORIGINAL, TEXT),
      Map.entry(Fields.PARSE_ERROR, TEXT),
      Map.entry(Fields.SOURCE, KEYWORD),
      Map.entry(Fields.SOURCE_ADDRESS, KEYWORD),
      Map.entry(Fields.SOURCE_IP, IP),
      Map.entry(Fields.DESTINATION_IP, IP),
      Map.entry("host.ip", IP),
      Map.entry("client.ip", IP),
      Map.entry("server.ip", IP),
      Map.entry("related.ip", IP),
      Map.entry(Fields.SOURCE_PORT, LONG),
      Map.entry(Fields.DESTINATION_PORT, LONG),
      Map.entry(Fields.PROCESS_PID, LONG),
      Map.entry(Fields.HTTP_STATUS, LONG),
      Map.entry(Fields.HTTP_BYTES, LONG),
      Map.entry(Fields.SYSLOG_PRIORITY, LONG),
      Map.entry(Fields.SYSLOG_FACILITY_CODE, LONG),
      Map.entry(Fields.SYSLOG_SEVERITY_CODE, LONG),
      Map.entry(Fields.SYSLOG_VERSION, LONG),
      Map.entry(Fields.LOG_OFFSET, LONG));

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Union of the kinds seen in every open partition, read by query threads. */
  private final ConcurrentHashMap<String, Integer> seen = new ConcurrentHashMap<>();

  /** The kinds of {@code field} (canonical name): fixed ECS kinds plus those seen; 0 when unknown. */
  int of(String field) {
    Integer fixed = FIXED.get(field);
    Integer s = seen.get(field);
    return (fixed == null ? 0 : fixed) | (s == null ? 0 : s);
  }

  /** True when values of {@code field} are analyzed as text (message, event.original, error.message). */
  static boolean isText(String field) {
    Integer fixed = FIXED.get(field);
    return fixed != null && fixed == TEXT;
  }

  /** True when string values of {@code field} are tried as IP addresses (ECS names ending in ".ip"). */
  static boolean isIpName(String field) {
    return field.endsWith(".ip");
  }

  /** The Lucene field that holds {@code kind} values of {@code field}. */
  static String pointField(String field, int kind) {
    return switch (kind) {
      case LONG -> field + "#l";
      case DOUBLE -> field + "#d";
      case IP -> field + "#ip";
      case DATE -> field + "#t";
      default -> field;
    };
  }

  /** Number of distinct field names seen. */
  int names() {
    return seen.size();
  }

  /** True when {@code field} was seen. */
  boolean known(String field) {
    return seen.containsKey(field);
  }

  /** Records kinds seen in a partition. */
  void add(String field, int kinds) {
    seen.merge(field, kinds, (a, b) -> a | b);
  }

  /** Recomputes the union from the partitions still open (after retention dropped some). */
  void rebuild(List<Map<String, Integer>> partitionKinds) {
    Map<String, Integer> union = new HashMap<>();
    for (Map<String, Integer> m : partitionKinds) {
      m.forEach((k, v) -> union.merge(k, v, (a, b) -> a | b));
    }
    union.forEach(seen::put); // replace before removing: a concurrent query never misses a live kind
    seen.keySet().retainAll(union.keySet());
  }

  /** Human words for a kind mask, for error messages ("numbers or keywords"). */
  static String describe(int kinds) {
    List<String> words = new ArrayList<>();
    if ((kinds & LONG) != 0) {
      words.add("whole numbers");
    }
    if ((kinds & DOUBLE) != 0) {
      words.add("decimal numbers");
    }
    if ((kinds & IP) != 0) {
      words.add("IP addresses");
    }
    if ((kinds & DATE) != 0) {
      words.add("dates");
    }
    if ((kinds & KEYWORD) != 0) {
      words.add("keywords");
    }
    if ((kinds & TEXT) != 0) {
      words.add("text");
    }
    return words.isEmpty() ? "nothing yet" : String.join(" or ", words);
  }

  /** Serializes a partition's kinds for its commit user data. */
  static String encode(Map<String, Integer> kinds) {
    try {
      return JSON.writeValueAsString(kinds);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot serialize field kinds", e);
    }
  }

  /** Parses {@link #encode}'s output; an unreadable value yields an empty map (queries fall back to keywords). */
  static Map<String, Integer> decode(String json) {
    if (json == null || json.isEmpty()) {
      return new HashMap<>();
    }
    try {
      return JSON.readValue(json, new TypeReference<HashMap<String, Integer>>() {});
    } catch (java.io.IOException e) {
      return new HashMap<>();
    }
  }

  /** Merges decoded partition kinds into the union (on open). */
  void merge(Map<String, Integer> kinds) {
    kinds.forEach(this::add);
  }
}
