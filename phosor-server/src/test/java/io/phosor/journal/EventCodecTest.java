package io.phosor.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The journal's codec against Jackson's own data binding, the reference it replaces on the hot path. */
class EventCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A random field value of the kinds events hold, nested a little. */
  private static Object value(Random r, int depth) {
    return switch (r.nextInt(depth > 1 ? 8 : 10)) {
      case 0 -> "s" + r.nextInt(1000) + (r.nextBoolean() ? "\"\\\u00e9\u2603\n" : "");
      case 1 -> r.nextInt();
      case 2 -> r.nextLong();
      case 3 -> r.nextDouble() * 1e6 - 5e5;
      case 4 -> r.nextBoolean();
      case 5 -> null;
      case 6 -> List.of("a" + r.nextInt(9), "b");
      // a top-level Instant is written as its ISO text; nested ones were never supported (Jackson refuses them)
      case 7 -> depth == 0 ? Instant.ofEpochMilli(r.nextLong(4_000_000_000_000L)) : "t";
      case 8 -> {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          l.add(value(r, depth + 1));
        }
        yield l;
      }
      default -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          m.put("k" + i, value(r, depth + 1));
        }
        yield m;
      }
    };
  }

  @Test
  void encodingAndDecodingAgreeWithJacksonDataBindingOnRandomFields() throws Exception {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int n = 0; n < 2000; n++) {
      Event e = new Event("test", "198.51.100.7", Instant.ofEpochMilli(1_700_000_000_000L + n), "line " + n);
      e.seq(n + 1);
      e.timestamp(Instant.ofEpochMilli(1_700_000_000_000L - n));
      Map<String, Object> fields = new LinkedHashMap<>();
      for (int i = r.nextInt(8); i > 0; i--) {
        fields.put("f" + i, value(r, 0));
      }
      e.mutableFields().putAll(fields);

      byte[] bytes = EventCodec.encode(e);
      @SuppressWarnings("unchecked")
      Map<String, Object> record = JSON.readValue(bytes, LinkedHashMap.class);
      // the reference: the fields as Jackson serializes them (Instants as ISO strings), bound back untyped
      Map<String, Object> expected = new LinkedHashMap<>();
      for (Map.Entry<String, Object> f : fields.entrySet()) {
        Object v = f.getValue() instanceof Instant i ? i.toString() : f.getValue();
        expected.put(f.getKey(), JSON.readValue(JSON.writeValueAsString(v), Object.class));
      }
      assertThat(record.get("f")).as("seed %d, event %d: %s", seed, n, new String(bytes, StandardCharsets.UTF_8))
          .isEqualTo(expected);
      Event back = EventCodec.decode(bytes, 0, bytes.length);
      assertThat(back.fields()).as("seed %d, event %d", seed, n).isEqualTo(expected);
      assertThat(back.seq()).isEqualTo(n + 1);
      assertThat(back.original()).isEqualTo("line " + n);
    }
  }
}
