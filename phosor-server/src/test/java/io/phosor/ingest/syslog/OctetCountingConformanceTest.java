package io.phosor.ingest.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.testkit.Corpus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the octet-counting streams of influxdata/go-syslog ({@code octetcounting/parser_test.go}) through
 * {@link SyslogFrameDecoder}. The corpus records what go-syslog's parser returned per stream, in strict
 * and best-effort mode; we compare frames, not parsed fields (parsing is the pipeline's job): each result
 * with a message must be one of our frames, starting with its {@code <PRI>VERSION} and ending with its
 * MSG, in order, and a "too long" result must be a skipped, counted frame.
 *
 * <p>We compare with the best-effort results. Strict mode stops at the first message that does not parse
 * as RFC 5424; Phosor's framer does not parse, and a frame that is not valid RFC 5424 is still a frame
 * (it is kept as a parse failure with its raw text, SPEC section 4).
 *
 * <p>One deliberate difference remains: where go-syslog meets bytes that cannot start an octet-counted
 * frame (a missing MSG-LEN or space, "found ILLEGAL(x), expecting a MSGLEN") it stops reading the stream.
 * Phosor recovers instead: such bytes are read as a non-transparent frame (RFC 6587 section 3.4.2, since
 * framing is detected per frame), and at the end of the stream the unterminated rest is emitted as one
 * raw frame, so nothing a sender sent is silently lost and the connection stays usable. For those
 * results we check that the extra frame is exactly the unconsumed tail of the stream.
 */
class OctetCountingConformanceTest {

  @Test
  void goSyslogOctetCountingStreamsFrameAsTheBestEffortParserDoes() {
    List<JsonNode> cases = Corpus.jsonl("syslog/go-syslog/octetcounting_framing_cases.jsonl");
    int passed = 0;
    int identical = 0;
    int identicalToStrict = 0;
    List<String> failures = new ArrayList<>();
    List<String> deviations = new ArrayList<>();
    for (JsonNode c : cases) {
      String descr = c.get("descr").asText();
      String input = c.get("input").asText();
      SyslogFrameDecoderTest.Run run = SyslogFrameDecoderTest.decode(c.get("max_message_length").asInt(), input);
      Outcome best = compare(run, c.get("results_best_effort"), input);
      Outcome strict = compare(run, c.get("results_strict"), input);
      if (strict.identical) {
        identicalToStrict++;
      }
      if (best.problem != null) {
        failures.add(descr + ": " + best.problem + " frames=" + abbreviate(run.frames));
        continue;
      }
      passed++;
      if (best.identical) {
        identical++;
      } else {
        deviations.add(descr + " -> kept raw tail " + abbreviate(run.frames.subList(best.matched, run.frames.size())));
      }
    }
    System.out.printf("[conformance] octetcounting_framing_cases: passed %d of %d (%d identical to go-syslog "
        + "best-effort, %d recover where go-syslog stops; identical to strict mode: %d)%n", passed, cases.size(),
        identical, passed - identical, identicalToStrict);
    deviations.forEach(d -> System.out.println("[conformance]   deviation: " + d));
    failures.forEach(f -> System.out.println("[conformance]   FAILED: " + f));
    assertThat(failures).isEmpty();
  }

  private record Outcome(String problem, boolean identical, int matched) {}

  private static Outcome compare(SyslogFrameDecoderTest.Run run, JsonNode results, String input) {
    List<String> frames = run.frames;
    int f = 0;
    int oversized = 0;
    for (JsonNode r : results) {
      JsonNode msg = r.get("message");
      String error = r.path("error").asText("");
      if (msg != null && !msg.isNull()) {
        if (f >= frames.size()) {
          return new Outcome("missing frame for <" + msg.get("priority") + ">" + msg.get("version"), false, f);
        }
        String frame = frames.get(f);
        String head = "<" + msg.get("priority").asInt() + ">" + msg.get("version").asInt();
        if (!frame.startsWith(head)) {
          return new Outcome("frame " + f + " does not start with " + head, false, f);
        }
        JsonNode body = msg.get("message");
        if (body != null && !body.isNull() && !frame.endsWith(body.asText())) {
          return new Outcome("frame " + f + " does not end with its MSG", false, f);
        }
        f++;
      } else if (error.startsWith("message too long")) {
        oversized++;
      } else {
        // A framing error: go-syslog stops here. Phosor keeps the rest as at most one raw frame.
        break;
      }
    }
    if (run.oversized.size() != oversized) {
      return new Outcome("expected " + oversized + " oversized frames, saw " + run.oversized.size(), false, f);
    }
    int extra = frames.size() - f;
    if (extra == 0) {
      return new Outcome(null, true, f);
    }
    if (extra == 1 && input.endsWith(frames.get(f))) {
      return new Outcome(null, false, f);
    }
    return new Outcome(extra + " unexpected frames after " + f, false, f);
  }

  private static String abbreviate(List<String> frames) {
    return frames.stream().map(s -> s.length() > 40 ? "\"" + s.substring(0, 40) + "...\"(" + s.length() + ")"
        : "\"" + s + "\"").toList().toString();
  }
}
