package io.phosor.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the {@link Prefilter}: {@link Redactor#find} (prefilter, then the full scan) against
 * the full scan alone ({@link Redactor#findWithoutPrefilter}), and {@link Redactor#redact(Event)} against a
 * reference written the plain way (every string scanned in full), over the shared corpus and over seeded
 * random text built from the shapes the rules look for. Also checks the substring property that
 * {@code redact(Event)} relies on: a substring of a cleared text that does not start right after a letter
 * has no finding. Every mismatch names the configuration, the text and, for random text, the seed.
 */
class PrefilterDifferentialTest {
  private static final Instant T0 = Instant.parse("2024-11-22T00:00:00Z");

  /** The configurations compared: the defaults, everything, everything but PHONE, and each kind alone. */
  static List<Redactor> configurations() {
    List<Redactor> out = new ArrayList<>();
    out.add(new Redactor(Redactor.defaults()));
    out.add(new Redactor(EnumSet.allOf(PiiType.class)));
    out.add(new Redactor(EnumSet.allOf(PiiType.class), new RedactorOptions(true)));
    Set<PiiType> noPhone = EnumSet.complementOf(EnumSet.of(PiiType.PHONE));
    out.add(new Redactor(noPhone));
    out.add(new Redactor(noPhone, new RedactorOptions(true)));
    for (PiiType t : PiiType.values()) {
      out.add(new Redactor(EnumSet.of(t)));
    }
    out.add(new Redactor(EnumSet.of(PiiType.SSN), new RedactorOptions(true)));
    return out;
  }

  private final List<Redactor> redactors = configurations();

  @Test
  void prefilteredFindEqualsTheFullScanOnTheCorpus() throws IOException {
    List<String> texts = corpusTexts();
    assertThat(texts).hasSizeGreaterThan(20_000);
    for (String t : texts) {
      check(t, "corpus");
    }
  }

  @Test
  void prefilteredFindEqualsTheFullScanOnRandomTrickyText() {
    long seed = Long.getLong("phosor.test.seed", System.nanoTime());
    Random rnd = new Random(seed);
    for (int i = 0; i < 10_000; i++) {
      check(tricky(rnd), "seed " + seed + ", case " + i);
    }
  }

  @Test
  void redactEventEqualsTheReferenceOnCorpusAndRandomText() throws IOException {
    long seed = Long.getLong("phosor.test.seed", System.nanoTime());
    Random rnd = new Random(seed);
    List<String> texts = new ArrayList<>(corpusTexts());
    for (int i = 0; i < 5_000; i++) {
      texts.add(tricky(rnd));
    }
    for (String t : texts) {
      for (Redactor r : redactors) {
        Map<String, Object> fields = fieldsFrom(t, rnd);
        Event actual = event(t, fields);
        Event expected = event(t, fields);
        Map<PiiType, Integer> got = r.redact(actual);
        Map<PiiType, Integer> want = reference(r, expected);
        String where = "seed " + seed + ", kinds " + r.enabled() + ", options " + r.options() + ", text <" + t + ">";
        assertThat(got).as(where).isEqualTo(want);
        assertThat(actual.original()).as(where).isEqualTo(expected.original());
        assertThat(actual.fields()).as(where).isEqualTo(expected.fields());
      }
    }
  }

  private void check(String t, String where) {
    for (Redactor r : redactors) {
      List<Finding> full = r.findWithoutPrefilter(t);
      assertThat(r.find(t)).as("%s, kinds %s, options %s, text <%s>", where, r.enabled(), r.options(), t)
          .isEqualTo(full);
      if (!full.isEmpty()) {
        continue;
      }
      // cleared text: every substring that does not start right after a letter is clear as well (checked
      // at a few starts per text: 0 and some chars that follow a non-letter)
      if (!r.prefilterMaybe(t)) {
        int tried = 0;
        for (int from = 0; from < t.length() && tried < 4; from += 1 + (from * 7 + t.length()) % 11) {
          if (from > 0 && isLetter(t.charAt(from - 1))) {
            continue;
          }
          tried++;
          for (int to : new int[] {t.length(), Math.min(t.length(), from + 1 + (from * 13) % 40)}) {
            String sub = t.substring(from, to);
            assertThat(r.findWithoutPrefilter(sub)).as("%s, kinds %s, substring <%s> of cleared <%s>", where,
                r.enabled(), sub, t).isEmpty();
          }
        }
      }
    }
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  // ------------------------------------------------------------------ reference redact(Event)

  /** The event-level algorithm written plainly: every string scanned in full, counts merged by max. */
  private static Map<PiiType, Integer> reference(Redactor r, Event e) {
    Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);
    e.original(apply(r, e.original(), counts));
    Map<PiiType, Integer> inFields = new EnumMap<>(PiiType.class);
    for (Map.Entry<String, Object> f : e.mutableFields().entrySet()) {
      String s = (String) f.getValue();
      String key = f.getKey();
      String last = key.substring(key.lastIndexOf('.') + 1);
      if (r.enabled().contains(PiiType.PASSWORD) && AssignmentRules.keyKind(last, 0, last.length()) == 1
          && !s.isEmpty() && !(s.startsWith("[") && s.endsWith("REDACTED]"))) {
        inFields.merge(PiiType.PASSWORD, 1, Integer::sum);
        f.setValue(PiiType.PASSWORD.replacement());
      } else {
        f.setValue(apply(r, s, inFields));
      }
    }
    inFields.forEach((type, n) -> counts.merge(type, n, Math::max));
    if (!counts.isEmpty()) {
      e.put(Fields.PII_REDACTED, Boolean.TRUE);
    }
    return counts;
  }

  private static String apply(Redactor r, String text, Map<PiiType, Integer> counts) {
    List<Finding> found = r.findWithoutPrefilter(text);
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (Finding f : found) {
      out.append(text, at, f.start()).append(f.type().replacement());
      at = f.end();
      counts.merge(f.type(), 1, Integer::sum);
    }
    return out.append(text, at, text.length()).toString();
  }

  private static Event event(String original, Map<String, Object> fields) {
    Event e = new Event("test", "127.0.0.1", T0, original);
    e.mutableFields().putAll(fields);
    return e;
  }

  /** Fields as a parser makes them: the message, words, substrings at any offset, and a password key. */
  private static Map<String, Object> fieldsFrom(String t, Random rnd) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("message", t);
    int sp = t.indexOf(' ');
    if (sp >= 0) {
      f.put("tail", t.substring(sp + 1));
      f.put("head", t.substring(0, sp));
    }
    if (!t.isEmpty()) {
      int from = rnd.nextInt(t.length());
      f.put("any", t.substring(from, from + rnd.nextInt(t.length() - from + 1)));
      int from2 = rnd.nextInt(t.length());
      f.put("suffix", t.substring(from2));
    }
    if (rnd.nextInt(8) == 0) {
      f.put("user.password", sp >= 0 ? t.substring(0, sp) : t);
    }
    return f;
  }

  // ------------------------------------------------------------------ inputs

  private static List<String> corpusTexts() throws IOException {
    List<String> out = new ArrayList<>();
    for (String log : List.of("loghub/Apache/Apache_2k.log", "loghub/HDFS/HDFS_2k.log", "loghub/Linux/Linux_2k.log",
        "loghub/Mac/Mac_2k.log", "loghub/OpenSSH/OpenSSH_2k.log", "loghub/Windows/Windows_2k.log",
        "web/elastic_examples_apache/apache_logs")) {
      Path p = Corpus.require(log);
      out.addAll(Files.readAllLines(p, StandardCharsets.ISO_8859_1));
    }
    for (String jsonl : List.of("pii/pii_labeled.jsonl", "pii/presidio_recognizer_cases.jsonl",
        "pii/detect_secrets_plugin_cases.jsonl", "pii/vrl_redact_cases.jsonl", "syslog/go-syslog/rfc3164_cases.jsonl",
        "syslog/go-syslog/rfc5424_machine_cases.jsonl", "syslog/graylog/graylog_syslogcodec_cases.jsonl",
        "syslog/vrl/vrl_parse_syslog_cases.jsonl", "syslog/go-syslog/octetcounting_framing_cases.jsonl")) {
      for (JsonNode n : Corpus.jsonl(jsonl)) {
        strings(n, out);
      }
    }
    return out;
  }

  private static void strings(JsonNode n, List<String> out) {
    if (n.isTextual()) {
      out.add(n.asText());
    } else if (n.isContainerNode()) {
      for (Iterator<JsonNode> it = n.elements(); it.hasNext();) {
        strings(it.next(), out);
      }
    }
  }

  private static final String[] PIECES = {
    "eyJ", "eyJhbGciOiJIUzI1NiJ9", ".", "AKIA", "ASIA", "A3T", "ghp_", "gho_", "github_pat_", "glpat-", "gldt-",
    "glsoat-", "GR1348941", "xoxb-", "xapp-", "hooks.slack.com/services/", "https://", "sk_live_", "rk_test_",
    "sk-", "sk-proj-", "T3BlbkFJ", "sq0csp-", "sq0atp-", "npm_", "pypi-AgEIcHlwaS5vcmc", "SG.", "Bearer ", "bearer",
    "BEARER  ", "Basic ", "basic ", "Authorization: ", "authorization=", "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----", "-----BEGIN ", "PRIVATE KEY", "-us", "-us1", "password", "PASSWORD", "Pwd", "PWD",
    "passwd", "db_pass", "dbPass", "api_key", "apiKey", "API-KEY", "secret", "client_secret", "aws_secret_access_key",
    "token", "authToken", "access_key", "credential", "contrasena", "contraseña", "pa\u017f\u017fword", "\u0130",
    "\u212a", "keypass", "pswd", "=", "==", "!=", "===", ":", ": ", ":=", "=>", " = ", "\"", "'", "`", "[0]", "]",
    "@", "user@example.com", "://", "user:pw@", "ssn ", "SSN: ", "social security ", "ss#", "zip ", "CA ", "+1 ",
    "(415) ", "555-0132", "192.168.", "10.", "127.0.0.1", "172.16.", "169.254.", " ", " ", " ", "-", "-", "-",
    ".", "/", "_", ";", ",", "&", "\t", "\n", "${", "{{", "<", ">", "xxxx", "****", "self.", "os.environ", "(", ")",
    "\u00e9", "\u4e2d", "null", "true", "[REDACTED]", "1234567890123", "12345678:AA", "AA"
  };

  /** Random text made of rule shapes, digit groups (valid cards, SSNs and near misses) and noise. */
  static String tricky(Random rnd) {
    StringBuilder b = new StringBuilder();
    int parts = 1 + rnd.nextInt(12);
    for (int p = 0; p < parts; p++) {
      switch (rnd.nextInt(7)) {
        case 0, 1 -> b.append(PIECES[rnd.nextInt(PIECES.length)]);
        case 2 -> digits(b, rnd);
        case 3 -> {
          String alpha = rnd.nextBoolean() ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
              : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
          int len = rnd.nextInt(4) == 0 ? rnd.nextInt(90) : rnd.nextInt(24);
          for (int k = 0; k < len; k++) {
            b.append(alpha.charAt(rnd.nextInt(alpha.length())));
          }
        }
        case 4 -> {
          String w = rnd.nextBoolean() ? "abcdefghijklmnopqrstuvwxyz" : "0123456789abcdef";
          int len = 1 + rnd.nextInt(12);
          for (int k = 0; k < len; k++) {
            b.append(w.charAt(rnd.nextInt(w.length())));
          }
        }
        case 5 -> b.append(rnd.nextBoolean() ? card(rnd) : ssn(rnd));
        default -> b.append((char) (0x20 + rnd.nextInt(0x5f)));
      }
    }
    return b.toString();
  }

  private static void digits(StringBuilder b, Random rnd) {
    int groups = 1 + rnd.nextInt(5);
    String seps = "  --.:/";
    char sep = seps.charAt(rnd.nextInt(seps.length()));
    for (int g = 0; g < groups; g++) {
      if (g > 0) {
        b.append(rnd.nextInt(6) == 0 ? seps.charAt(rnd.nextInt(seps.length())) : sep);
      }
      int len = 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 20);
      for (int k = 0; k < len; k++) {
        b.append((char) ('0' + rnd.nextInt(10)));
      }
    }
  }

  /** A Luhn-valid card number of a common brand, contiguous or grouped. */
  private static String card(Random rnd) {
    String[] prefixes = {"4", "51", "55", "2221", "34", "37", "6011", "3528", "36", "62"};
    String prefix = prefixes[rnd.nextInt(prefixes.length)];
    int len = prefix.equals("34") || prefix.equals("37") ? 15 : prefix.equals("36") ? 14 : 16;
    StringBuilder d = new StringBuilder(prefix);
    while (d.length() < len - 1) {
      d.append((char) ('0' + rnd.nextInt(10)));
    }
    for (int check = 0; check < 10; check++) {
      String c = d.toString() + check;
      if (NumberRules.luhn(c, 0, c.length())) {
        d.append(check);
        break;
      }
    }
    String s = d.toString();
    if (rnd.nextBoolean() || s.length() != 16) {
      return s;
    }
    char sep = rnd.nextBoolean() ? ' ' : '-';
    return s.substring(0, 4) + sep + s.substring(4, 8) + sep + s.substring(8, 12) + sep + s.substring(12);
  }

  private static String ssn(Random rnd) {
    String a = String.format("%03d", 1 + rnd.nextInt(665));
    String g = String.format("%02d", 1 + rnd.nextInt(99));
    String s = String.format("%04d", 1 + rnd.nextInt(9999));
    return switch (rnd.nextInt(6)) {
      case 0 -> a + "-" + g + "-" + s;
      case 1 -> a + " " + g + " " + s;
      case 2 -> a + "." + g + "." + s;
      case 3 -> a + "-" + g + s;
      case 4 -> a + g + "-" + s;
      default -> a + g + s;
    };
  }
}
