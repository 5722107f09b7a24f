package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.testkit.ManualClock;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowsEventsTest {
  private static final Instant NOW = Instant.parse("2026-11-21T23:55:00Z");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final EventParser parser = new EventParser(new ManualClock(NOW));

  private static String sample(String name) throws Exception {
    try (InputStream in = WindowsEventsTest.class.getResourceAsStream("windows/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  /** As the webhook and HEC hand it over: a parsed JSON object. */
  private Event object(String name, ZoneId zone) throws Exception {
    String json = sample(name);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = MAPPER.readValue(json, LinkedHashMap.class);
    return parser.parseObject("webhook:windows", "10.0.0.9", zone, NOW, map, json);
  }

  @Test
  void winlogbeatFailedLogonIsAnAuthFailureWithUserAddressAndHost() throws Exception {
    Event e = object("winlogbeat-4625.json", ZoneOffset.UTC);
    assertThat(e.parseFailed()).isFalse();
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("administrator");
    assertThat(e.get("user.domain")).isEqualTo("CORP");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("203.0.113.77");
    assertThat(e.get(Fields.SOURCE_PORT)).isEqualTo(50432);
    assertThat(e.get("source.domain")).isEqualTo("KALI");
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("dc01.corp.example.com");
    assertThat(e.get("event.code")).isEqualTo("4625");
    assertThat(e.get(Fields.ACTION)).isEqualTo("logon-failed");
    assertThat(e.get(Fields.CATEGORY)).isEqualTo("authentication");
    assertThat(e.get(Fields.OUTCOME)).isEqualTo("failure");
    assertThat(e.get("winlog.logon.type")).isEqualTo("Network");
    assertThat(e.get("winlog.logon.failure.status")).isEqualTo("0xc000006a");
    assertThat(e.get("event.reason")).isEqualTo("bad password");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-21T23:40:12.345Z"));
    assertThat((String) e.get(Fields.MESSAGE)).startsWith("An account failed to log on.");
  }

  @Test
  void winlogbeatRemoteDesktopLogonIsAnAuthSuccessFromTheMappedIpv4Address() throws Exception {
    Event e = object("winlogbeat-4624.json", ZoneOffset.UTC);
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_success");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("alice");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("198.51.100.23");
    assertThat(e.get(Fields.SOURCE_PORT)).as("port 0 means none").isNull();
    assertThat(e.get("winlog.logon.type")).isEqualTo("RemoteInteractive");
    assertThat(e.get("event.code")).isEqualTo("4624");
  }

  @Test
  void machineAndServiceLogonsAreNotCountedAsUserLogins() throws Exception {
    String json = sample("winlogbeat-4624.json").replace("\"TargetUserName\":\"alice\"", "\"TargetUserName\":\"WS042$\"");
    @SuppressWarnings("unchecked")
    Map<String, Object> map = MAPPER.readValue(json, LinkedHashMap.class);
    Event machine = parser.parseObject("hec", null, ZoneOffset.UTC, NOW, map, json);
    assertThat(machine.get(Fields.EVENT_TYPE)).isNull();
    assertThat(machine.get(Fields.ACTION)).isEqualTo("logged-in");
    assertThat(machine.get(Fields.OUTCOME)).isEqualTo("success");
    String service = sample("winlogbeat-4624.json").replace("\"LogonType\":\"10\"", "\"LogonType\":\"5\"");
    @SuppressWarnings("unchecked")
    Map<String, Object> m2 = MAPPER.readValue(service, LinkedHashMap.class);
    assertThat(parser.parseObject("hec", null, ZoneOffset.UTC, NOW, m2, service).get(Fields.EVENT_TYPE)).isNull();
  }

  @Test
  void nxlogFailedLogonUsesTopLevelNamesAndTheSourceZoneForEventTime() throws Exception {
    Event e = object("nxlog-4625.json", ZoneId.of("America/New_York"));
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("svc_backup");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("192.0.2.200");
    assertThat(e.get(Fields.SOURCE_PORT)).isEqualTo(61234);
    assertThat(e.get("source.domain")).as("'-' means none").isNull();
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("FS01.corp.example.com");
    assertThat(e.get("event.code")).isEqualTo("4625");
    assertThat(e.get("event.provider")).isEqualTo("Microsoft-Windows-Security-Auditing");
    assertThat(e.get("event.reason")).isEqualTo("unknown user name");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-21T23:40:12Z"));
    assertThat((String) e.get(Fields.MESSAGE)).startsWith("An account failed to log on.");
    assertThat(e.get(Fields.SEVERITY)).isEqualTo("high");
  }

  @Test
  void nxlogJsonLinesOverSyslogOrFilesAreRecognizedToo() throws Exception {
    Event e = parser.parseText("syslog", "10.0.0.9", ZoneOffset.UTC, NOW,
        "<14>Nov 21 18:45:00 DC01 nxlog: " + sample("nxlog-4720.json"));
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("user_created");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("mallory");
    assertThat(e.get(Fields.USER_TARGET_NAME)).isEqualTo("backdoor");
    assertThat(e.get("user.target.domain")).isEqualTo("CORP");
    Event line = parser.parseText("file:/var/log/windows.json", null, ZoneOffset.UTC, NOW, sample("nxlog-4740.json"));
    assertThat(line.get(Fields.EVENT_TYPE)).isEqualTo("account_locked");
    assertThat(line.get(Fields.USER_NAME)).isEqualTo("bob");
    assertThat(line.get("source.domain")).isEqualTo("WS099");
    assertThat(line.get(Fields.HOST_NAME)).isEqualTo("DC01.corp.example.com");
  }

  @Test
  void groupMembershipProcessCreationPrivilegesAndLogClearingAreMapped() throws Exception {
    Event group = object("winlogbeat-4732.json", ZoneOffset.UTC);
    assertThat(group.get(Fields.EVENT_TYPE)).isEqualTo("group_member_added");
    assertThat(group.get(Fields.USER_NAME)).isEqualTo("mallory");
    assertThat(group.get(Fields.USER_TARGET_NAME)).isEqualTo("backdoor");
    assertThat(group.get("group.name")).isEqualTo("Administrators");

    Event proc = object("winlogbeat-4688.json", ZoneOffset.UTC);
    assertThat(proc.get(Fields.EVENT_TYPE)).isEqualTo("process_start");
    assertThat(proc.get(Fields.USER_NAME)).isEqualTo("alice");
    assertThat(proc.get(Fields.PROCESS_NAME)).isEqualTo("powershell.exe");
    assertThat(proc.get("process.command_line")).isEqualTo("powershell.exe -nop -w hidden -enc SQBFAFgA");
    assertThat(proc.get("process.parent.executable")).isEqualTo("C:\\Windows\\explorer.exe");
    assertThat(proc.get(Fields.PROCESS_PID)).isEqualTo(8000);

    Event priv = object("nxlog-4672.json", ZoneOffset.UTC);
    assertThat(priv.get(Fields.EVENT_TYPE)).isEqualTo("privileged_access");
    assertThat(priv.get(Fields.USER_NAME)).isEqualTo("svc_backup");

    Event cleared = object("winlogbeat-1102.json", ZoneOffset.UTC);
    assertThat(cleared.get(Fields.EVENT_TYPE)).isEqualTo("log_cleared");
    assertThat(cleared.get(Fields.USER_NAME)).isEqualTo("mallory");
    assertThat(cleared.get("event.provider")).isEqualTo("Microsoft-Windows-Eventlog");
  }

  @Test
  void userDeletionAndTheOtherGroupEventsUseTheSameFields() throws Exception {
    for (String id : new String[] {"4728", "4756"}) {
      Event e = parseWinlog(id, Map.of("SubjectUserName", "mallory", "MemberName", "CN=eve,CN=Users,DC=corp",
          "TargetUserName", "Domain Admins"));
      assertThat(e.get(Fields.EVENT_TYPE)).as(id).isEqualTo("group_member_added");
      assertThat(e.get(Fields.USER_TARGET_NAME)).as(id).isEqualTo("eve");
    }
    Event deleted = parseWinlog("4726", Map.of("SubjectUserName", "mallory", "TargetUserName", "bob"));
    assertThat(deleted.get(Fields.EVENT_TYPE)).isEqualTo("user_deleted");
    assertThat(deleted.get(Fields.USER_TARGET_NAME)).isEqualTo("bob");
  }

  @Test
  void nxlogOverGelfKeepsItsFieldsAfterTheUnderscoresAreRemoved() {
    String json = "{\"version\":\"1.1\",\"host\":\"FS01\",\"short_message\":\"An account failed to log on.\","
        + "\"timestamp\":1795304412.5,\"level\":3,\"_EventID\":4625,\"_SourceName\":\"Microsoft-Windows-Security-Auditing\","
        + "\"_Channel\":\"Security\",\"_TargetUserName\":\"svc_sql\",\"_TargetDomainName\":\"CORP\","
        + "\"_IpAddress\":\"192.0.2.201\",\"_IpPort\":\"50001\",\"_LogonType\":\"3\",\"_Status\":\"0xc000006d\"}";
    Event e = parser.parseText("gelf", "10.0.0.9", ZoneOffset.UTC, NOW, json);
    assertThat(e.get(Fields.PARSER)).isEqualTo("gelf");
    assertThat(e.get(Fields.EVENT_TYPE)).isEqualTo("auth_fail");
    assertThat(e.get(Fields.USER_NAME)).isEqualTo("svc_sql");
    assertThat(e.get(Fields.SOURCE_IP)).isEqualTo("192.0.2.201");
    assertThat(e.get(Fields.HOST_NAME)).isEqualTo("FS01");
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2026-11-21T23:40:12.500Z"));
  }

  @Test
  void otherProvidersAndUnknownIdsAreLeftAsTheyCame() throws Exception {
    Event sysmon = parseWinlogFrom("Microsoft-Windows-Sysmon", "Microsoft-Windows-Sysmon/Operational", "4625",
        Map.of("TargetUserName", "x"));
    assertThat(sysmon.get(Fields.EVENT_TYPE)).isNull();
    assertThat(sysmon.get("event.code")).isEqualTo("4625");
    Event other = parseWinlog("4663", Map.of("SubjectUserName", "alice"));
    assertThat(other.get(Fields.EVENT_TYPE)).isNull();
    assertThat(other.get(Fields.USER_NAME)).isNull();
    // an ordinary JSON object with an EventID but no Windows metadata is not taken for one
    Event plain = parser.parseObject("webhook:app", null, ZoneOffset.UTC, NOW,
        new LinkedHashMap<>(Map.of("EventID", 4625, "TargetUserName", "x")), "{}");
    assertThat(plain.get(Fields.EVENT_TYPE)).isNull();
  }

  private Event parseWinlog(String id, Map<String, Object> data) {
    return parseWinlogFrom("Microsoft-Windows-Security-Auditing", "Security", id, data);
  }

  private Event parseWinlogFrom(String provider, String channel, String id, Map<String, Object> data) {
    Map<String, Object> winlog = new LinkedHashMap<>();
    winlog.put("event_id", id);
    winlog.put("provider_name", provider);
    winlog.put("channel", channel);
    winlog.put("event_data", new LinkedHashMap<>(data));
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("winlog", winlog);
    return parser.parseObject("hec", null, ZoneOffset.UTC, NOW, o, "{}");
  }
}
