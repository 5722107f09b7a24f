package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.ManualClock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GelfFieldsTest {
  private static final Instant NOW = Instant.parse("2026-11-21T23:55:00Z");
  private final EventParser parser = new EventParser(new ManualClock(NOW));

  private Event gelf(String json) {
    return parser.parseText("gelf", "10.0.0.7", ZoneOffset.UTC, NOW, json);
  }

  @Test
  void theSpecificationsExampleMapsOntoEcs() {
    // the example of the GELF 1.1 payload specification
    Event e = gelf("{\"version\": \"1.1\", \"host\": \"example.org\", \"short_message\": \"A short message that helps "
        + "you identify what is going on\", \"full_message\": \"Backtrace here\\n\\nmore stuff\", \"timestamp\": "
        + "1385053862.3072, \"level\": 1, \"_user_id\": 9001, \"_some_info\": \"foo\", \"_some_env_var\": \"bar\"}");
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get(Fields.PARSER)).isEqualTo("gelf");
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("A short message that helps you identify what is going on");
    assertThat(e.get("full_message")).isEqualTo("Backtrace here\n\nmore stuff");
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("example.org");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2013-11-21T17:11:02.307Z"));
    assertThat(e.get(Fields.SYSLOG_SEVERITY_CODE)).isEqualTo(1);
    assertThat(e.get(Fields.SYSLOG_SEVERITY_NAME)).isEqualTo("alert");
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("critical");
    assertThat(e.get("user_id")).isEqualTo(9001);
    assertThat(e.get("some_info")).isEqualTo("foo");
    assertThat(e.get("some_env_var")).isEqualTo("bar");
    assertThat(e.fields()).doesNotContainKeys("version", "short_message", "level", "_user_id");
    assertThat(e.sourceAddress()).isEqualTo("10.0.0.7");
  }

  @Test
  void additionalFieldsGoThroughTheAliasesAndShortMessagesAreExtracted() {
    Event e = gelf("{\"version\":\"1.1\",\"host\":\"bastion\",\"short_message\":\"Failed password for root from "
        + "198.51.100.9 port 4242 ssh2\",\"level\":\"4\",\"_src_ip\":\"198.51.100.9\",\"_user\":\"root\","
        + "\"_container_name\":\"sshd\",\"_id\":\"x\",\"facility\":\"auth\",\"file\":\"auth.c\",\"line\":42}");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("198.51.100.9");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("root");
    assertThat(e.get("container_name")).isEqualTo("sshd");
    assertThat(e.get("gelf.id")).isEqualTo("x");
    assertThat(e.get(Fields.SYSLOG_FACILITY_NAME)).isEqualTo("auth");
    assertThat(e.get("log.origin.file.name")).isEqualTo("auth.c");
    assertThat(e.get("log.origin.file.line")).isEqualTo(42);
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("medium");
    assertThat(e.get(Fields.EVENT_TYPE)).as("sshd text inside short_message").isEqualTo("auth_fail");
    assertThat(e.get(Fields.ACTION)).isEqualTo("ssh_failed_password");
  }

  @Test
  void gelfOverTheWebhookIsReadTheSameWay() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("version", "1.1");
    o.put("host", "web1");
    o.put("short_message", "hello");
    o.put("_app", "shop");
    Event e = parser.parseObject("webhook:graylog", null, ZoneOffset.UTC, NOW, o, "{}");
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("hello");
    assertThat(e.get("app")).isEqualTo("shop");
    assertThat(e.get(Fields.PARSER)).isEqualTo("gelf");
  }

  @Test
  void jsonWithoutVersionAndShortMessageIsNotGelf() {
    Event e = gelf("{\"short_message\": \"x\", \"_a\": 1}");
    assertThat(e.get(Fields.PARSER)).isEqualTo("json");
    assertThat(e.get("_a")).isEqualTo(1);
  }

  @Test
  void brokenGelfIsAParseFailureWithItsRawText() {
    Event e = gelf("{\"version\": \"1.1\", \"short_message\": ");
    assertThat(e.parseFailed()).isTrue();
    assertThat(e.original()).isEqualTo("{\"version\": \"1.1\", \"short_message\": ");
  }
}
