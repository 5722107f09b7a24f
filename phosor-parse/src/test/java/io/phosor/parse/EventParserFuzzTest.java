package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.ManualClock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random mutations of real lines: the parser never throws and never fails internally. */
class EventParserFuzzTest {
  private static final List<String> SEEDS = List.of(
      "<38>Nov 21 23:30:00 srv31 sshd[33151]: Failed password for invalid user admin from 185.143.49.60 port 3663 ssh2",
      "<165>1 2003-10-11T22:14:15.003Z host app 12 ID47 [ex@1 a=\"b\\\"c\" d=\"\\]\"][x@2] \uFEFFmsg",
      "CEF:0|V\\|x|P|1.0|100|Name|10|src=10.0.0.1 msg=a\\=b c\\\\d cs1=one two cs1Label=L",
      "LEEF:2.0|V|P|1|ID|x5E|src=1.2.3.4^usrName=bob^devTime=Jan 02 2024 10:00:00^devTimeFormat=MMM dd yyyy HH:mm:ss",
      "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"@timestamp\":\"2024-01-01T00:00:00Z\",\"message\":\"Invalid user x from 1.2.3.4\"}",
      "10.1.1.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.1\" 404 2326 \"http://ref/\" \"curl/8\"",
      "Apr 27 15:22:23 niban sudo:     dcid : TTY=pts/4 ; PWD=/home ; USER=root ; COMMAND=/bin/ls",
      "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4",
      "<190>: 2017 Mar 06 09:22:34 CET: %AUTHPRIV-6-SYSTEM_MSG: START: rsync pid=4311",
      "a=1 b=\"two words\" c='x'");
  private static final String ALPHABET = "<>[]{}|=\\\"' :;-.0123456789TZabcCEFLdev\t\n\uFEFF\u00e9";

  @Test
  void mutatedLinesNeverThrowAndNeverFailInternally() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    EventParser parser = new EventParser(new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder(SEEDS.get(r.nextInt(SEEDS.size())));
      int edits = 1 + r.nextInt(4);
      for (int k = 0; k < edits && sb.length() > 0; k++) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
          default -> sb.setLength(at);
        }
      }
      String line = sb.toString();
      Event e = parser.parseText("fuzz", null, ZoneId.of("Europe/Berlin"), Instant.EPOCH, line);
      String err = e.parseError();
      assertThat(err == null || !err.startsWith("internal"))
          .as("seed %d, line %s: %s", seed, line, err).isTrue();
      assertThat(e.get(Fields.PARSER)).as("seed %d, line %s", seed, line).isNotNull();
      Event o = parser.parseObject("fuzz", null, null, Instant.EPOCH, Map.of("message", line, "time", line), line);
      assertThat(o.parseError()).as("seed %d, object message %s", seed, line).isNull();
    }
  }
}
