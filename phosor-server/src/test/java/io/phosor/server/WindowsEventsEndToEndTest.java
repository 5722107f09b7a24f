package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows logons through the new inputs raise the built-in rules written for sshd and PAM: failed logons (4625)
 * shipped by Winlogbeat over HEC, and by NXLog over the webhook and GELF, become parsed.event_type auth_fail with
 * user.name and source.ip, and five of them for one account from one address raise
 * cortexsoc-failed-login-threshold ("Repeated failed logins for one account from one address").
 */
class WindowsEventsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULE = "cortexsoc-failed-login-threshold";

  @TempDir
  Path data;

  private static String winlogbeat4625(Instant at, String user, String ip, int port) {
    return """
        {"@timestamp":"%s","agent":{"type":"winlogbeat","version":"8.15.3"},"host":{"name":"dc01.corp.example.com"},
         "message":"An account failed to log on.","event":{"code":"4625","kind":"event",
         "provider":"Microsoft-Windows-Security-Auditing","action":"Logon","outcome":"failure"},
         "winlog":{"channel":"Security","event_id":"4625","provider_name":"Microsoft-Windows-Security-Auditing",
         "computer_name":"DC01.corp.example.com","keywords":["Audit Failure"],"event_data":{"SubjectUserSid":"S-1-0-0",
         "SubjectUserName":"-","TargetUserSid":"S-1-0-0","TargetUserName":"%s","TargetDomainName":"CORP",
         "Status":"0xc000006d","SubStatus":"0xc000006a","LogonType":"3","WorkstationName":"KALI",
         "IpAddress":"%s","IpPort":"%d"}}}""".formatted(at, user, ip, port).replace("\n", "");
  }

  private static String nxlog4625(LocalDateTime at, String user, String ip, int port) {
    return ("{\"EventTime\":\"%s\",\"Hostname\":\"FS01.corp.example.com\",\"EventType\":\"AUDIT_FAILURE\","
        + "\"Severity\":\"ERROR\",\"EventID\":4625,\"SourceName\":\"Microsoft-Windows-Security-Auditing\","
        + "\"Channel\":\"Security\",\"Message\":\"An account failed to log on.\",\"TargetUserName\":\"%s\","
        + "\"TargetDomainName\":\"CORP\",\"Status\":\"0xc000006d\",\"SubStatus\":\"0xc000006a\",\"LogonType\":\"3\","
        + "\"IpAddress\":\"%s\",\"IpPort\":\"%d\"}")
        .formatted(at.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")), user, ip, port);
  }

  private static JsonNode alerts(TestServer t) throws Exception {
    return JSON.readTree(t.get("/api/alerts?rule=" + RULE, t.admin()).body()).get("alerts");
  }

  @Test
  void fiveFailedWindowsLogonsOverHecRaiseTheBuiltInBruteForceAlert() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of())) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      StringBuilder hec = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        hec.append("{\"sourcetype\":\"winlogbeat\",\"event\":")
            .append(winlogbeat4625(now.plusMillis(i * 100L), "administrator", "203.0.113.77", 50_000 + i)).append("}\n");
      }
      // four failures of another account stay under the threshold
      for (int i = 0; i < 4; i++) {
        hec.append("{\"sourcetype\":\"winlogbeat\",\"event\":")
            .append(winlogbeat4625(now.plusMillis(i * 100L), "bob", "203.0.113.78", 51_000 + i)).append("}\n");
      }
      var r = t.post("/services/collector/event", "Splunk " + TestServer.INGEST_TOKEN, hec.toString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(15)).until(() -> alerts(t).size() >= 1);
      JsonNode alerts = alerts(t);
      assertThat(alerts).hasSize(1);
      JsonNode a = alerts.get(0);
      assertThat(a.get("severity").asText()).isEqualTo("high");
      assertThat(a.get("group").get("user.name").asText()).isEqualTo("administrator");
      assertThat(a.get("group").get("source.ip").asText()).isEqualTo("203.0.113.77");
      assertThat(a.get("count").asLong()).isEqualTo(5);
      // the stored events are searchable by the Windows fields
      await().atMost(Duration.ofSeconds(15)).until(() -> JSON.readTree(t.get(
          "/api/events/search?q=event.code:4625%20AND%20user.name:administrator", t.admin()).body())
          .path("total").asLong() == 5);
    }
  }

  @Test
  void nxlogFailuresOverTheWebhookAndGelfCountTogether() throws Exception {
    try (TestServer t = TestServer.start(data, Map.of("PHOSOR_GELF_PORT", "0", "PHOSOR_GELF_HOST", "127.0.0.1"))) {
      LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
      StringBuilder ndjson = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        ndjson.append(nxlog4625(now, "svc_backup", "192.0.2.200", 61_000 + i)).append('\n');
      }
      var r = t.post("/api/webhook/nxlog", TestServer.ingest(), ndjson.toString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(alerts(t)).isEmpty();
      // NXLog's xm_gelf output: the same fields as GELF additional fields
      try (DatagramSocket socket = new DatagramSocket()) {
        for (int i = 0; i < 2; i++) {
          String gelf = "{\"version\":\"1.1\",\"host\":\"FS01\",\"short_message\":\"An account failed to log on.\","
              + "\"timestamp\":" + (Instant.now().toEpochMilli() / 1000.0) + ",\"level\":3,\"_EventID\":4625,"
              + "\"_SourceName\":\"Microsoft-Windows-Security-Auditing\",\"_Channel\":\"Security\","
              + "\"_TargetUserName\":\"svc_backup\",\"_IpAddress\":\"192.0.2.200\",\"_IpPort\":\"" + (62_000 + i) + "\"}";
          byte[] b = gelf.getBytes(StandardCharsets.UTF_8);
          socket.send(new DatagramPacket(b, b.length, InetAddress.getByName("127.0.0.1"), t.server().gelfUdpPort()));
        }
      }
      await().atMost(Duration.ofSeconds(15)).until(() -> alerts(t).size() >= 1);
      JsonNode a = alerts(t).get(0);
      assertThat(a.get("group").get("user.name").asText()).isEqualTo("svc_backup");
      assertThat(a.get("group").get("source.ip").asText()).isEqualTo("192.0.2.200");
    }
  }
}
