package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  /** Writes {@code value} as the only field of an object, reads it back with EventDocuments.readJson. */
  private static Object roundTrip(Object value) throws Exception {
    JsonWriter w = new JsonWriter();
    w.beginObject();
    w.name("v");
    w.value(value, 0);
    w.endObject();
    byte[] json = Arrays.copyOf(w.array(), w.size());
    JACKSON.readTree(json); // well-formed for a strict reader too
    return EventDocuments.readJson(new BytesRef(json)).get("v");
  }

  @Test
  void randomStringsSurviveARoundTripThroughJackson() throws Exception {
    long seed = 42;
    Random random = new Random(seed);
    char[] interesting = {'"', '\\', '\n', '\r', '\t', '\0', '\u001f', '\u007f', '\u00e9', '\u20ac', '\uffff',
        '\ud83d', '\ude00', '/', '<'};
    for (int n = 0; n < 2_000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(40);
      for (int i = 0; i < len; i++) {
        int kind = random.nextInt(4);
        sb.append(kind == 0 ? interesting[random.nextInt(interesting.length)]
            : kind == 1 ? (char) random.nextInt(0x10000) : (char) (' ' + random.nextInt(95)));
      }
      String s = sb.toString();
      assertThat(roundTrip(s)).as("seed %d, string %d: %s", seed, n, s.chars().mapToObj(Integer::toHexString).toList())
          .isEqualTo(s);
    }
  }

  @Test
  void validUtf8IsWrittenForEveryCodePoint() {
    JsonWriter w = new JsonWriter();
    w.string("é€😀");
    assertThat(new String(w.array(), 0, w.size(), StandardCharsets.UTF_8)).isEqualTo("\"é€😀\"");
  }

  @Test
  void numbersBooleansNullsAndNestedValuesRoundTrip() throws Exception {
    Map<String, Object> sd = new LinkedHashMap<>();
    sd.put("exampleSDID@32473", Map.of("iut", "3"));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("long", 12345678901L);
    m.put("int", 7);
    m.put("double", 1.5);
    m.put("big", new BigInteger("123456789012345678901234567890"));
    m.put("dec", new BigDecimal("0.1"));
    m.put("nan", Double.NaN);
    m.put("yes", true);
    m.put("none", null);
    m.put("list", List.of("a", 2L, List.of()));
    m.put("array", new Object[] {"x"});
    m.put("sd", sd);
    m.put("when", Instant.parse("2026-11-21T10:00:00Z"));
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) roundTrip(m);
    assertThat(back).containsEntry("long", 12345678901L).containsEntry("int", 7L).containsEntry("double", 1.5)
        .containsEntry("big", new BigInteger("123456789012345678901234567890")).containsEntry("dec", 0.1)
        .containsEntry("nan", "NaN").containsEntry("yes", true).containsEntry("none", null)
        .containsEntry("list", List.of("a", 2L, List.of())).containsEntry("array", List.of("x"))
        .containsEntry("sd", Map.of("exampleSDID@32473", Map.of("iut", "3")))
        .containsEntry("when", "2026-11-21T10:00:00Z");
  }

  @Test
  void instantsAreWrittenExactlyAsInstantToStringWritesThem() throws Exception {
    long seed = 7;
    Random random = new Random(seed);
    List<Instant> samples = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("0000-01-01T00:00:00Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("-0001-12-31T23:59:59Z"),
        Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("2026-11-21T10:00:00.120Z"),
        Instant.parse("2026-11-21T10:00:00.000120Z"), Instant.parse("2026-11-21T10:00:00.000000120Z")));
    for (int i = 0; i < 5_000; i++) {
      long secs = random.nextLong(-70_000_000_000L, 260_000_000_000L);
      int nanos = switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      samples.add(Instant.ofEpochSecond(secs, nanos));
    }
    for (Instant t : samples) {
      JsonWriter w = new JsonWriter();
      w.instant(t);
      assertThat(new String(w.array(), 0, w.size(), StandardCharsets.UTF_8)).as("seed %d: %s", seed, t)
          .isEqualTo("\"" + t + "\"");
    }
  }

  @Test
  void longStringsWithManyEscapesFitTheBuffer() throws Exception {
    String s = "\"é\n".repeat(5_000) + "😀".repeat(3_000);
    assertThat(roundTrip(s)).isEqualTo(s);
  }

  @Test
  void nestingDeeperThanTheLimitIsWrittenAsText() throws Exception {
    Object deep = "leaf";
    for (int i = 0; i < 40; i++) {
      deep = List.of(deep);
    }
    assertThat(roundTrip(deep)).isNotNull();
  }
}
