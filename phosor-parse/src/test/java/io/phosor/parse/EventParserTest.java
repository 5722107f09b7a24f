package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.ManualClock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventParserTest {
  private static final Instant NOW = Instant.parse("2026-11-21T23:45:00Z");
  private final ManualClock clock = new ManualClock(NOW);
  private final EventParser parser = new EventParser(clock);

  private Event text(String s) {
    return parser.parseText("syslog", "10.0.0.1", ZoneOffset.UTC, NOW, s);
  }

  private Event object(Map<String, Object> o) {
    return parser.parseObject("ingest", "10.0.0.1", ZoneOffset.UTC, NOW, o, "{}");
  }

  @Test
  void typicalSshdFailureLineGivesHeaderAndAuthFields() {
    Event e = text("<38>Nov 21 23:30:00 srv31 sshd[33151]: Failed password for invalid user admin from 185.143.49.60 port 3663 ssh2");
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get(Fields.PARSER)).isEqualTo("rfc3164");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-21T23:30:00Z"));
    assertThat(e.get(Fields.SYSLOG_PRIORITY)).isEqualTo(38);
    assertThat(e.get(Fields.SYSLOG_FACILITY_NAME)).isEqualTo("auth");
    assertThat(e.get(Fields.SYSLOG_SEVERITY_NAME)).isEqualTo("info");
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("informational");
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("srv31");
    assertThat(e.get(Fields.PROCESS_NAME)).isEqualTo("sshd");
    assertThat(e.get(Fields.PROCESS_PID)).isEqualTo(33151);
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("admin");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("185.143.49.60");
    assertThat(e.get(Fields.SOURCE_PORT)).isEqualTo(3663);
    assertThat(e.get(Fields.OUTCOME)).isEqualTo("failure");
    assertThat(e.get(Fields.CATEGORY)).isEqualTo("authentication");
    assertThat(e.get(Fields.ACTION)).isEqualTo("ssh_failed_password");
    assertThat(e.get("message")).isEqualTo("Failed password for invalid user admin from 185.143.49.60 port 3663 ssh2");
  }

  @Test
  void aDecemberLineReadInJanuaryBelongsToThePreviousYear() {
    clock.set(Instant.parse("2027-01-01T00:05:00Z"));
    Event e = text("<38>Dec 31 23:59:58 h sshd[1]: Accepted password for bob from 1.2.3.4 port 22 ssh2");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-12-31T23:59:58Z"));
  }

  @Test
  void aJanuaryLineFromASenderAheadOfTheClockOnNewYearsEveBelongsToTheNextYear() {
    clock.set(Instant.parse("2026-12-31T23:59:50Z"));
    Event e = text("<38>Jan  1 00:00:05 h app: hello");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2027-01-01T00:00:05Z"));
  }

  @Test
  void aDateAFewDaysAheadStaysInTheCurrentYear() {
    clock.set(Instant.parse("2026-03-10T00:00:00Z"));
    assertThat(text("<38>Mar 12 08:00:00 h app: x").timestamp()).isEqualTo(Instant.parse("2026-03-12T08:00:00Z"));
    assertThat(text("<38>Mar 30 08:00:00 h app: x").timestamp()).isEqualTo(Instant.parse("2025-03-30T08:00:00Z"));
  }

  @Test
  void doubleSpaceDayAndZonelessStampsAreReadInTheSourceZone() {
    Event e = parser.parseText("syslog", null, ZoneId.of("Europe/Berlin"), NOW, "<13>Nov  1 10:00:00 host app: x");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("host");
  }

  @Test
  void isoStampAndMissingHostnameAndTagWithoutPidAreUnderstood() {
    Event e = text("<28>2019-12-02T16:49:23.5+02:00 host app: Test");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2019-12-02T14:49:23.5Z"));
    Event noHost = text("<133>Jun 13 16:33:35 haproxy[73411]: Proxy started.");
    assertThat(noHost.get(Fields.HOST_NAME)).isNull();
    assertThat(noHost.get(Fields.PROCESS_NAME)).isEqualTo("haproxy");
    assertThat(noHost.get(Fields.MESSAGE)).isEqualTo("Proxy started.");
  }

  @Test
  void fileLinesWithoutPriAreSyslogWithoutPriority() {
    Event e = text("Nov 21 23:30:00 host sshd[1]: Invalid user test from 10.1.2.3 port 5555");
    assertThat(e.get(Fields.PARSER)).isEqualTo("rfc3164");
    assertThat(e.get(Fields.SYSLOG_PRIORITY)).isNull();
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("invalid_user");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("test");
  }

  @Test
  void anApplicationLogWithALeadingStampHasNoHostname() {
    Event e = text("2024-05-01 12:00:00 INFO Starting server on port 8080");
    assertThat(e.get(Fields.HOST_NAME)).isNull();
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("INFO Starting server on port 8080");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
  }

  @Test
  void rfc5424WithStructuredDataBomAndNilValues() {
    Event e = text("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"App \\\"x\\\" \\] \\\\\"][b@1 k=\"v\"] \uFEFFAn application event");
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get(Fields.PARSER)).isEqualTo("rfc5424");
    assertThat(e.get(Fields.SYSLOG_VERSION)).isEqualTo(1);
    assertThat(e.get(Fields.SYSLOG_PROCID)).isNull();
    assertThat(e.get(Fields.SYSLOG_MSGID)).isEqualTo("ID47");
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("An application event");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, String>> sd = (Map<String, Map<String, String>>) e.get(Fields.SYSLOG_STRUCTURED_DATA);
    assertThat(sd.get("exampleSDID@32473")).containsEntry("iut", "3").containsEntry("eventSource", "App \"x\" ] \\");
    assertThat(sd.get("b@1")).containsEntry("k", "v");
    Event nil = text("<14>1 - - - - - -");
    assertThat(nil.parseFailed()).isFalse();
    assertThat(nil.timestamp()).isEqualTo(NOW);
    assertThat(nil.get(Fields.HOST_NAME)).isNull();
  }

  @Test
  void strictRfc5424ParserNamesTheColumnOfTheProblem() {
    try {
      Rfc5424Parser.parse("<29>1 2016-01-15T01:00:43Z hn S - - [meta escape=\"]\"]");
      throw new AssertionError("accepted");
    } catch (SyslogFormatException ex) {
      assertThat(ex.position()).isEqualTo(50);
      assertThat(ex.problem()).contains("escaped");
    }
  }

  @Test
  void parseFailuresKeepTheRawText() {
    for (String bad : List.of("<999>garbage", "<1>0 - - - - - - bad version", "{\"a\": ", "CEF:0|only|three")) {
      Event e = text(bad);
      assertThat(e.parseFailed()).as(bad).isTrue();
      assertThat(e.get(Fields.MESSAGE)).isEqualTo(bad);
      assertThat(e.original()).isEqualTo(bad);
    }
  }

  @Test
  void unknownTextIsRawNotAFailure() {
    Event e = text("just some words from a program");
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get(Fields.PARSER)).isEqualTo("raw");
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("just some words from a program");
    assertThat(text("<html> not a pri").get(Fields.PARSER)).isEqualTo("raw");
    assertThat(text("").parseFailed()).isFalse();
    assertThat(parser.parseText("x", null, null, NOW, null).parseFailed()).isFalse();
  }

  @Test
  void cefEscapesAndEcsMapping() {
    Event e = text("CEF:0|Vendor \\| Inc|Prod|1.0|100|Login \\\\ failed|8|src=10.0.0.1 spt=1234 dst=10.0.0.2 dpt=22 "
        + "suser=alice duser=root act=blocked msg=line one\\nline two with a\\=b proto=TCP rt=1700000000000");
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get(Fields.PARSER)).isEqualTo("cef");
    assertThat(e.get("cef.device.vendor")).isEqualTo("Vendor | Inc");
    assertThat(e.get("cef.name")).isEqualTo("Login \\ failed");
    assertThat(e.get("cef.extensions.msg")).isEqualTo("line one\nline two with a=b");
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("line one\nline two with a=b");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("10.0.0.1");
    assertThat(e.get(Fields.SOURCE_PORT)).isEqualTo(1234);
    assertThat(e.get(Fields.DESTINATION_PORT)).isEqualTo(22);
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("alice");
    assertThat(e.get(Fields.USER_TARGET_NAME)).isEqualTo("root");
    assertThat(e.get(Fields.ACTION)).isEqualTo("blocked");
    assertThat(e.get("network.transport")).isEqualTo("tcp");
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("high");
    assertThat(e.timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
  }

  @Test
  void cefInsideSyslogKeepsTheHeader() {
    Event e = text("<134>Sep 29 08:26:10 fw CEF:0|V|P|1|2|N|10|src=1.1.1.1");
    assertThat(e.get(Fields.PARSER)).isEqualTo("cef");
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("fw");
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("critical");
  }

  @Test
  void leefTwoWithHexDelimiterAndDevTimeFormat() {
    Event e = text("LEEF:2.0|Lancope|StealthWatch|1.0|41|x5E|src=10.0.1.8^dst=10.0.0.5^usrName=bob^srcPort=44"
        + "^devTime=Jan 02 2024 10:00:00^devTimeFormat=MMM dd yyyy HH:mm:ss^sev=9");
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get("leef.attributes.dst")).isEqualTo("10.0.0.5");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("bob");
    assertThat(e.get(Fields.SOURCE_PORT)).isEqualTo(44);
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("critical");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-01-02T10:00:00Z"));
    Event tab = text("LEEF:1.0|QRadar|QRM|1.0|NEW|src=1.2.3.4\tmsg=spaces in here");
    assertThat(tab.get("leef.attributes.msg")).isEqualTo("spaces in here");
  }

  @Test
  void keyValueBodiesNeedTwoPairsAndHonourQuotes() {
    Event e = text("a=1 b=\"two words\" c='x' user=carol");
    assertThat(e.get(Fields.PARSER)).isEqualTo("kv");
    assertThat(e.get("a")).isEqualTo("1");
    assertThat(e.get("b")).isEqualTo("two words");
    assertThat(e.get("c")).isEqualTo("x");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("carol");
    assertThat(text("x=1 and some prose").get(Fields.PARSER)).isEqualTo("raw");
    assertThat(text("only=one").get(Fields.PARSER)).isEqualTo("raw");
  }

  @Test
  void jsonLinesAreFlattenedWithAliases() {
    Event e = text("{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"src_ip\":\"1.2.3.4\",\"user\":{\"name\":\"x\"},"
        + "\"severity\":\"warning\",\"tags\":[\"a\",\"b\"],\"n\":5}");
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get(Fields.PARSER)).isEqualTo("json");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("1.2.3.4");
    assertThat(e.get("user.name")).isEqualTo("x");
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("medium");
    assertThat(e.get("tags")).isEqualTo(List.of("a", "b"));
    assertThat(e.get("n")).isEqualTo(5);
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
  }

  @Test
  void sudoCommandIsPrivilegedAccess() {
    Event e = text("Apr 27 15:22:23 niban sudo:     dcid : TTY=pts/4 ; PWD=/home/dcid ; USER=root ; COMMAND=/usr/bin/tail /var/log/x");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("privileged_access");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("dcid");
    assertThat(e.get(Fields.USER_TARGET_NAME)).isEqualTo("root");
    assertThat(e.get("process.command_line")).isEqualTo("/usr/bin/tail /var/log/x");
    assertThat(e.get("process.working_directory")).isEqualTo("/home/dcid");
    assertThat(e.get(Fields.CATEGORY)).isEqualTo("process");
  }

  @Test
  void sudoWrongPasswordsAreAuthFailWithTheirCount() {
    Event e = text("Jun 25 16:15:45 p sudo:     mike : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/ls");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get("parsed.repeat_count")).isEqualTo(3);
    Event pam = text("Jun 25 16:15:40 p sudo: pam_unix(sudo:auth): authentication failure; logname=mike uid=1000 euid=0 tty=/dev/pts/0 ruser=mike rhost=  user=mike");
    assertThat(pam.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(pam.get(Fields.USER_NAME)).isEqualTo("mike");
  }

  @Test
  void suVariantsAreRecognized() {
    Event ok = text("Jun  1 10:00:00 h su[1]: Successful su for root by alice");
    assertThat(ok.get(Fields.EVENT_TYPE)).isEqualTo("privileged_access");
    assertThat(ok.get(Fields.USER_NAME)).isEqualTo("alice");
    assertThat(ok.get(Fields.USER_TARGET_NAME)).isEqualTo("root");
    Event bad = text("Jun  1 10:00:00 h su[1]: FAILED su for root by mallory");
    assertThat(bad.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(bad.get(Fields.USER_NAME)).isEqualTo("mallory");
    Event session = text("Jun  1 10:00:00 h su: pam_unix(su:session): session opened for user root by alice(uid=1000)");
    assertThat(session.get(Fields.EVENT_TYPE)).isEqualTo("privileged_access");
    assertThat(session.get(Fields.USER_NAME)).isEqualTo("alice");
    assertThat(session.get(Fields.USER_TARGET_NAME)).isEqualTo("root");
  }

  @Test
  void pamAuthenticationFailureTakesTheSourceFromRhost() {
    Event e = text("Jun  1 10:00:00 h sshd[9]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("1.2.3.4");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("root");
    assertThat(e.get(Fields.ACTION)).isEqualTo("pam_auth_failure");
    Event opened = text("Jun  1 10:00:00 h sshd[9]: pam_unix(sshd:session): session opened for user bob by (uid=0)");
    assertThat(opened.get(Fields.EVENT_TYPE)).isEqualTo("session_open");
    assertThat(opened.get(Fields.USER_NAME)).isEqualTo("bob");
  }

  @Test
  void sshdVariantsAreRecognized() {
    assertThat(text("Jun 1 01:00:00 h sshd[1]: Accepted publickey for bob from 10.0.0.9 port 50000 ssh2: RSA SHA256:x")
        .get(Fields.EVENT_TYPE)).isEqualTo("auth_success");
    assertThat(text("Jun 1 01:00:00 h sshd[1]: Accepted keyboard-interactive/pam for bob from 10.0.0.9 port 5 ssh2")
        .get(Fields.ACTION)).isEqualTo("ssh_accepted_keyboard_interactive");
    assertThat(text("Jun 1 01:00:00 h sshd[1]: Failed publickey for root from 10.0.0.9 port 5 ssh2")
        .get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(text("Jun 1 01:00:00 h sshd[1]: error: PAM: Authentication failure for root from 10.0.0.9")
        .get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    Event closed = text("Jun 1 01:00:00 h sshd[1]: Connection closed by authenticating user root 10.0.0.9 port 5 [preauth]");
    assertThat(closed.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(closed.get(Fields.USER_NAME)).isEqualTo("root");
    assertThat(closed.get(Fields.SOURCE_IP)).isEqualTo("10.0.0.9");
    Event disc = text("Jun 1 01:00:00 h sshd[1]: Disconnected from invalid user guest 10.0.0.9 port 5 [preauth]");
    assertThat(disc.get(Fields.EVENT_TYPE)).isEqualTo("disconnect");
    assertThat(disc.get(Fields.USER_NAME)).isEqualTo("guest");
    Event repeated = text("Dec 10 09:32:20 LabSZ sshd[24680]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]");
    assertThat(repeated.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(repeated.get("parsed.repeat_count")).isEqualTo(5);
    assertThat(repeated.get(Fields.SOURCE_IP)).isEqualTo("5.36.59.76");
  }

  @Test
  void webAccessRequestLinesOfEveryShapeAreCutTheSameWay() {
    String head = "h1 id7 - [10/Oct/2000:13:55:36 -0700] ";
    Event spdy = text(head + "\"PROPFIND /dav SPDY/3\" 207 - \"\" \"-\"");
    assertThat(spdy.get(Fields.HTTP_METHOD)).isEqualTo("PROPFIND");
    assertThat(spdy.get(Fields.URL_ORIGINAL)).isEqualTo("/dav");
    assertThat(spdy.get("http.version")).isEqualTo("SPDY/3");
    assertThat(spdy.get("user.id")).isEqualTo("id7");
    assertThat(spdy.get("source.domain")).isEqualTo("h1");
    assertThat(spdy.get(Fields.USER_NAME)).isNull();
    assertThat(spdy.get(Fields.HTTP_BYTES)).isNull();
    assertThat(spdy.get(Fields.HTTP_REFERRER)).isNull();
    assertThat(spdy.get(Fields.USER_AGENT)).isNull();
    Event noVersion = text(head + "\"GET /only\" 200 5");
    assertThat(noVersion.get(Fields.HTTP_METHOD)).isEqualTo("GET");
    assertThat(noVersion.get(Fields.URL_ORIGINAL)).isEqualTo("/only");
    assertThat(noVersion.get("http.version")).isNull();
    Event http2 = text(head + "\"get /x HTTP/2.0\" 200 5 \"-\" \"ua\"");
    assertThat(http2.get(Fields.HTTP_METHOD)).isNull(); // not upper case: the whole request is the URL
    assertThat(http2.get(Fields.URL_ORIGINAL)).isEqualTo("get /x HTTP/2.0");
    Event dash = text(head + "\"-\" 408 0");
    assertThat(dash.get(Fields.URL_ORIGINAL)).isNull();
    assertThat(dash.get(Fields.HTTP_METHOD)).isNull();
    Event shortProto = text(head + "\"GET /x HTTP/\" 200 5");
    assertThat(shortProto.get("http.version")).isEqualTo("");
    Event ver = text(head + "\"POST /y HTTP/1.0\" 200 5");
    assertThat(ver.get(Fields.HTTP_METHOD)).isEqualTo("POST");
    assertThat(ver.get("http.version")).isEqualTo("1.0");
  }

  @Test
  void webAccessLinesGiveHttpFields() {
    Event e = text("10.1.1.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /a?b=c HTTP/1.1\" 404 2326 \"http://ref/\" \"curl/8\"");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("web_access");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("frank");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2000-10-10T20:55:36Z"));
    assertThat(e.get(Fields.HTTP_METHOD)).isEqualTo("GET");
    assertThat(e.get(Fields.URL_ORIGINAL)).isEqualTo("/a?b=c");
    assertThat(e.get("http.version")).isEqualTo("1.1");
    assertThat(e.get(Fields.HTTP_STATUS)).isEqualTo(404);
    assertThat(e.get(Fields.HTTP_BYTES)).isEqualTo(2326L);
    assertThat(e.get(Fields.HTTP_REFERRER)).isEqualTo("http://ref/");
    assertThat(e.get(Fields.USER_AGENT)).isEqualTo("curl/8");
    assertThat(e.get(Fields.OUTCOME)).isEqualTo("failure");
    assertThat(e.get(Fields.CATEGORY)).isEqualTo("web");
  }

  @Test
  void parseObjectMapsCortexSocLoginBody() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("type", "login");
    o.put("user", "alice");
    o.put("origin", "US");
    o.put("ip", "1.2.3.4");
    o.put("status", "failed");
    o.put("timestamp", 1_700_000_000);
    Event e = object(o);
    assertThat(e.get(Fields.ACTION)).isEqualTo("login");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("alice");
    assertThat(e.get(Fields.SOURCE_GEO)).isEqualTo("US");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("1.2.3.4");
    assertThat(e.get(Fields.OUTCOME)).isEqualTo("failure");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get(Fields.PARSER)).isEqualTo("json");
    assertThat(e.timestamp()).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
  }

  @Test
  void parseObjectFlattensNestedObjectsAndReadsTimestamps() {
    Event e = object(Map.of("source", Map.of("ip", "9.9.9.9"), "@timestamp", "2024-01-01T00:00:00.5Z",
        "severity", "info", "event_type", "custom"));
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("9.9.9.9");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-01-01T00:00:00.5Z"));
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("informational");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("custom");
    assertThat(object(Map.of("severity", "spicy")).get(Fields.SEVERITY)).isEqualTo("spicy");
    assertThat(object(Map.of("time", 1_700_000_000_123L)).timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
  }

  @Test
  void keyValueTextCannotReplaceTheParserName() {
    // found by fuzzing (docs/fuzzing.md): a pair named parsed.format replaced "kv"
    for (String line : List.of("a=1 parsed.format=evil", "<13>Nov 21 10:00:00 host app: user=bob parsed.format=x",
        "dst=/0.1 act= parsed.format=clot=0ck")) {
      Event e = parser.parseText("t", null, ZoneOffset.UTC, NOW, line);
      assertThat(e.get(Fields.PARSER)).as(line).isEqualTo("kv");
    }
  }

  @Test
  void aRepeatedPamFailureCutBeforeItsDetailsIsStillExtracted() {
    // found by fuzzing (docs/fuzzing.md): without the "; logname=..." part this was an internal parser error
    Event e = parser.parseText("t", null, ZoneOffset.UTC, NOW,
        "Nov 21 10:00:00 host sshd[4242]: PAM 2 more authentication failures");
    assertThat(e.parseError()).isNull();
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
  }

  @Test
  void nestedObjectsUnderALongNameStayOneValueSoTheFieldsStayLinearInTheInput() {
    // found by fuzzing (docs/fuzzing.md): every field inside a nested object repeats its dotted name, so
    // {"<2,000 chars>": {"aa":1, "ab":1, ... 280 fields}} (4 KB) made 0.56 M chars of field names
    String name = "k".repeat(2000);
    Map<String, Object> inner = new LinkedHashMap<>();
    StringBuilder json = new StringBuilder("{\"" + name + "\":{");
    for (int i = 0; i < 280; i++) {
      String f = "" + (char) ('a' + i / 26) + (char) ('a' + i % 26);
      inner.put(f, 1);
      json.append(i > 0 ? "," : "").append('"').append(f).append("\":1");
    }
    json.append("}}");
    Event line = parser.parseText("t", null, ZoneOffset.UTC, NOW, json.toString());
    Event obj = object(Map.of(name, inner));
    for (Event e : List.of(line, obj)) {
      assertThat(e.parseFailed()).isFalse();
      assertThat(e.fields()).containsKey(name).doesNotContainKey(name + ".aa");
      assertThat(e.get(name)).isInstanceOf(Map.class).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .hasSize(280).containsEntry("kt", 1);
    }
    // objects whose dotted names have up to 128 chars still flatten
    String ok = "n".repeat(ObjectNormalizer.MAX_PREFIX_CHARS - 2); // "ok.a" has 128
    Event flat = parser.parseText("t", null, ZoneOffset.UTC, NOW, "{\"" + ok + "\":{\"a\":{\"b\":1}}}");
    assertThat(flat.get(ok + ".a.b")).isEqualTo(1);
    assertThat(object(Map.of(ok, Map.of("a", Map.of("b", 1)))).get(ok + ".a.b")).isEqualTo(1);
  }

  @Test
  void parseObjectExtractsFromAnSshdMessage() {
    Event e = object(Map.of("message", "Failed password for root from 1.2.3.4 port 22 ssh2"));
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("root");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("1.2.3.4");
    Event raw = object(Map.of("raw", "Nov 21 23:30:00 host sshd[1]: Invalid user bob from 5.6.7.8", "user", "given"));
    assertThat(raw.get(Fields.EVENT_TYPE)).isEqualTo("invalid_user");
    assertThat(raw.get(Fields.USER_NAME)).isEqualTo("given");
    assertThat(raw.get(Fields.SOURCE_IP)).isEqualTo("5.6.7.8");
    assertThat(raw.original()).isEqualTo("Nov 21 23:30:00 host sshd[1]: Invalid user bob from 5.6.7.8");
  }

  @Test
  void parseObjectMovesReservedNamesAside() {
    Event e = object(Map.of("error", Map.of("message", "boom"), "event", Map.of("id", 7)));
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get("parsed.reserved.error.message")).isEqualTo("boom");
    assertThat(e.get("parsed.reserved.event.id")).isEqualTo(7);
  }

  @Test
  void parseObjectUnwrapsASplunkHecEnvelope() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("time", 1_426_279_439.5);
    o.put("host", "web1");
    o.put("sourcetype", "linux_secure");
    o.put("event", "Nov 21 23:30:00 web1 sshd[7]: Accepted publickey for bob from 10.0.0.9 port 50000 ssh2");
    o.put("fields", Map.of("env", "prod"));
    Event e = object(o);
    assertThat(e.timestamp()).isEqualTo(Instant.ofEpochSecond(1_426_279_439L, 500_000_000));
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("web1");
    assertThat(e.get("event.dataset")).isEqualTo("linux_secure");
    assertThat(e.get("env")).isEqualTo("prod");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_success");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("bob");
    Event nested = object(Map.of("time", 1_700_000_000, "event", Map.of("user", "x", "action", "y")));
    assertThat(nested.get(Fields.USER_NAME)).isEqualTo("x");
    assertThat(nested.get("action")).isEqualTo("y");
  }

  @Test
  void parseObjectReadsLevelWordsAndLoginOutcomeActions() {
    Event e = object(Map.of("level", "error", "type", "failed_login", "user", "eve"));
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("high");
    assertThat(e.get(Fields.OUTCOME)).isEqualTo("failure");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(object(Map.of("type", "login", "outcome", "success")).get(Fields.EVENT_TYPE)).isEqualTo("auth_success");
  }

  @Test
  void aJsonLineKeepsItselfAsTheOriginalEvenWithARawField() {
    String line = "{\"raw\":\"Failed password for root from 1.2.3.4 port 22 ssh2\"}";
    Event e = text(line);
    assertThat(e.original()).isEqualTo(line);
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("Failed password for root from 1.2.3.4 port 22 ssh2");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
  }
}
