package io.phosor.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.phosor.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding over syslog end to end: a real server sends RFC 5424 messages with CEF in them, octet-counted, to a real
 * Netty receiver over TCP and over TLS (its certificate checked against the configured CA, host name included), and
 * reconnects when the receiver drops the connection.
 */
class SyslogForwardingTest {
  /** RFC 5424 section 6 with PROCID and STRUCTURED-DATA nil, as Phosor writes it. */
  private static final Pattern RFC5424 = Pattern.compile(
      "<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) (\\S+) (\\S+) - (event|alert|incident) - "
          + "(CEF:0\\|.*)", Pattern.DOTALL);

  @TempDir
  Path data;

  private static Matcher parse(String message) {
    Matcher m = RFC5424.matcher(message);
    assertThat(m.matches()).as("RFC 5424 + CEF: %s", message).isTrue();
    return m;
  }

  @Test
  void eventsAndAlertsArriveAsRfc5424WithCefOverTcpAndAfterTheReceiverDropsTheConnection() throws Exception {
    try (SyslogReceiver rx = new SyslogReceiver(null)) {
      Files.writeString(data.resolve("forwarders.yml"), """
          forwarders:
            - name: siem
              type: syslog
              host: 127.0.0.1
              port: %d
              send: [events, alerts]
              facility: local4
              app_name: phosor-test
              hostname: soc-1
          """.formatted(rx.port()));
      try (TestServer t = TestServer.start(data, Map.of("PHOSOR_SEARCH_ENABLED", "false"))) {
        Traffic.webhook(t, 1, 3, "ali=ce|x");
        Traffic.sshFailures(t, 5, "203.0.113.7");
        await().atMost(Duration.ofSeconds(20)).until(() -> rx.messages().stream().anyMatch(m -> m.contains(" alert ")));
        List<String> events = rx.messages().stream().filter(m -> parse(m).group(5).equals("event")).toList();
        assertThat(events).hasSize(8);
        Matcher first = parse(events.get(0));
        assertThat(Integer.parseInt(first.group(1))).isEqualTo(20 * 8 + 6); // local4, informational
        assertThat(first.group(3)).isEqualTo("soc-1");
        assertThat(first.group(4)).isEqualTo("phosor-test");
        assertThat(first.group(6)).startsWith("CEF:0|Phosor|Phosor|").contains("|payment|order 1 paid|1|")
            .contains("suser=ali\\=ce|x").contains("externalId=1").contains("cs1Label=phosor_source cs1=webhook:shop");
        Matcher ssh = parse(events.get(3));
        assertThat(ssh.group(6)).contains("src=203.0.113.7").contains("suser=root").contains("shost=srv1")
            .contains("sproc=sshd");
        String alert = rx.messages().stream().filter(m -> parse(m).group(5).equals("alert")).findFirst().orElseThrow();
        Matcher a = parse(alert);
        assertThat(a.group(6)).contains("src=203.0.113.7").contains("cat=alert").contains("cs1Label=rule_id");
        int severity = Integer.parseInt(a.group(1)) % 8;
        assertThat(severity).isIn(2, 3, 4); // critical, high or medium rule
        assertThat(rx.errors()).isEmpty();

        // the receiver restarts its side: the forwarder reconnects and goes on
        rx.dropConnections();
        int before = rx.messages().size();
        Traffic.webhook(t, 10, 2, "bob");
        await().atMost(Duration.ofSeconds(20)).until(() -> rx.messages().stream().skip(before)
            .filter(m -> m.contains("order 1")).count() >= 2);
        assertThat(rx.messages().stream().skip(before).filter(m -> m.contains("order 10 paid")).count()).isEqualTo(1);
        assertThat(rx.errors()).isEmpty();
      }
    }
  }

  @Test
  void overTlsTheReceiverIsVerifiedAndGetsEveryEvent() throws Exception {
    SelfSignedCertificate ssc = new SelfSignedCertificate("localhost");
    try (SyslogReceiver rx = new SyslogReceiver(SslContextBuilder.forServer(ssc.certificate(), ssc.privateKey())
        .build())) {
      Files.writeString(data.resolve("forwarders.yml"), """
          forwarders:
            - name: tls
              type: syslog
              host: localhost
              port: %d
              tls:
                ca_file: %s
              send: events
          """.formatted(rx.port(), ssc.certificate().getAbsolutePath()));
      try (TestServer t = TestServer.start(data, Map.of("PHOSOR_SEARCH_ENABLED", "false"))) {
        Traffic.webhook(t, 1, 20, "alice");
        await().atMost(Duration.ofSeconds(20)).until(() -> rx.messages().size() >= 20);
        assertThat(rx.messages()).hasSize(20).allSatisfy(m -> assertThat(parse(m).group(6)).contains("suser=alice"));
        assertThat(rx.errors()).isEmpty();
        String status = t.get("/api/forwarders", t.admin()).body();
        assertThat(status).contains("\"target\":\"syslog+tls://localhost:" + rx.port() + "\"").contains("\"state\":\"ok\"");
      }
    }
  }

  @Test
  void aReceiverWhoseCertificateIsNotTrustedGetsNothingAndTheProblemIsShown() throws Exception {
    SelfSignedCertificate served = new SelfSignedCertificate("localhost");
    SelfSignedCertificate trusted = new SelfSignedCertificate("localhost");
    try (SyslogReceiver rx = new SyslogReceiver(SslContextBuilder.forServer(served.certificate(),
        served.privateKey()).build())) {
      Files.writeString(data.resolve("forwarders.yml"), """
          forwarders:
            - name: tls
              type: syslog
              host: localhost
              port: %d
              tls: {ca_file: %s}
              send: events
          """.formatted(rx.port(), trusted.certificate().getAbsolutePath()));
      try (TestServer t = TestServer.start(data, Map.of("PHOSOR_SEARCH_ENABLED", "false"))) {
        Traffic.webhook(t, 1, 2, "alice");
        await().atMost(Duration.ofSeconds(20)).until(() -> t.get("/api/forwarders", t.admin()).body()
            .contains("TLS handshake failed: the receiver's certificate is not trusted"));
        assertThat(rx.messages()).isEmpty();
      }
    }
  }
}
