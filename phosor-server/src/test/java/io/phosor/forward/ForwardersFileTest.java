package io.phosor.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.config.ConfigException;
import io.phosor.config.ForwardConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link ForwardersFile}: what a valid file gives, and that each mistake stops start-up with a clear message. */
class ForwardersFileTest {
  private static final Path FILE = Path.of("data/forwarders.yml");
  private static final String TOKEN = "hec-secret-token-0123456789";
  private static final ForwardConfig CONFIG = new ForwardConfig(null, 500, 4 << 20, Duration.ofSeconds(10),
      Duration.ofSeconds(60), Map.of());

  private static List<Destination> parse(String yaml, Map<String, String> env) {
    return ForwardersFile.parse(yaml, FILE, CONFIG, env, Clock.systemUTC());
  }

  private static String problem(String yaml) {
    try {
      parse(yaml, Map.of("HEC_TOKEN", TOKEN));
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void aFileWithEachTypeIsRead() {
    List<Destination> all = parse("""
        forwarders:
          - name: splunk
            type: splunk_hec
            url: https://splunk.example.com:8088
            token_env: HEC_TOKEN
            send: [alerts, incidents]
            index: security
          - name: siem
            type: syslog
            host: siem.example.com
            port: 6514
            tls: {}
            send: events
            query: 'event.outcome:failure'
            facility: authpriv
          - name: os
            type: opensearch
            url: http://127.0.0.1:9200
            username: phosor
            password_env: OS_PASSWORD
            send: [events, alerts]
            indices: {events: "logs-{yyyy.MM.dd}"}
            start: beginning
            batch_size: 1000
        """, Map.of("HEC_TOKEN", TOKEN, "OS_PASSWORD", "os-password"));
    assertThat(all).extracting(Destination::name).containsExactly("splunk", "siem", "os");
    Destination splunk = all.get(0);
    assertThat(splunk.token()).isEqualTo(TOKEN);
    assertThat(splunk.send()).isEqualTo(Set.of(Kind.ALERTS, Kind.INCIDENTS));
    assertThat(splunk.batchSize()).isEqualTo(500);
    assertThat(splunk.fromBeginning()).isFalse();
    assertThat(splunk.toString()).doesNotContain(TOKEN);
    Destination siem = all.get(1);
    assertThat(siem.tls().enabled()).isTrue();
    assertThat(siem.facility()).isEqualTo(10);
    assertThat(siem.query()).isEqualTo("event.outcome:failure");
    Destination os = all.get(2);
    assertThat(os.password()).isEqualTo("os-password");
    assertThat(os.indices()).containsEntry(Kind.EVENTS, "logs-{yyyy.MM.dd}").containsEntry(Kind.ALERTS, "phosor-alerts");
    assertThat(os.fromBeginning()).isTrue();
    assertThat(os.batchSize()).isEqualTo(1000);
    assertThat(os.toString()).doesNotContain("os-password");
  }

  @Test
  void noFileOrAnEmptyListMeansNoForwarding() {
    assertThat(ForwardersFile.load(Path.of("/nonexistent/forwarders.yml"), CONFIG, Map.of(), Clock.systemUTC()))
        .isEmpty();
    assertThat(parse("forwarders: []", Map.of())).isEmpty();
    assertThat(parse("", Map.of())).isEmpty();
  }

  @Test
  void mistakesAreRefusedNamingTheFileTheDestinationAndTheKey() {
    String base = "forwarders:\n  - name: s\n    type: splunk_hec\n    url: https://s.example.com\n"
        + "    token_env: HEC_TOKEN\n";
    assertThat(problem(base + "    send: alerts\n    sourcetyp: x\n")).startsWith("invalid forwarders file "
        + FILE + ": forwarder 's': unknown key 'sourcetyp'");
    assertThat(problem(base)).contains("send is missing");
    assertThat(problem(base + "    send: [alerts, logs]\n")).contains("'logs' is not one of alerts, incidents, events");
    assertThat(problem(base + "    send: alerts\n    query: 'user:root'\n")).contains("does not include events");
    assertThat(problem(base + "    send: events\n    query: '(user:root'\n")).contains("forwarder 's': query:")
        .contains("position");
    assertThat(problem("forwarders:\n  - name: s\n    type: splunk_hec\n    url: https://s.example.com\n"
        + "    token_env: NOT_SET\n    send: alerts\n")).contains("token_env names NOT_SET, which is not set");
    assertThat(problem("forwarders:\n  - name: s\n    type: splunk_hec\n    url: https://user:pw@s.example.com\n"
        + "    token_env: HEC_TOKEN\n    send: alerts\n")).contains("must not carry credentials").doesNotContain("pw");
    assertThat(problem("forwarders:\n  - name: Bad Name\n    type: syslog\n")).contains("name must be");
    assertThat(problem("forwarders:\n  - name: x\n    type: kafka\n")).contains("type must be splunk_hec, syslog or "
        + "opensearch");
    assertThat(problem("forwarders:\n  - name: x\n    type: syslog\n    host: h\n    send: events\n"))
        .contains("port is missing");
    assertThat(problem("forwarders:\n  - name: x\n    type: syslog\n    host: h\n    port: 514\n    send: events\n"
        + "    facility: local9\n")).contains("facility must be");
    assertThat(problem("forwarders:\n  - name: x\n    type: opensearch\n    url: http://h:9200\n    send: events\n"
        + "    indices: {events: 'Bad Index'}\n")).contains("not a valid index name");
    assertThat(problem("forwarders:\n  - name: x\n    type: opensearch\n    url: http://h:9200\n    send: events\n"
        + "    tls: {ca_file: /etc/hostname}\n")).contains("tls options apply to an https:// url");
    assertThat(problem(base + "    send: alerts\n" + base.substring("forwarders:\n".length()) + "    send: alerts\n"))
        .contains("the name is used twice");
  }

  @Test
  void anInlineSecretThatIsNotPrintableIsRefusedWithoutEchoingIt() {
    String msg = problem("forwarders:\n  - name: s\n    type: splunk_hec\n    url: https://s.example.com\n"
        + "    token: 'secret with spaces'\n    send: alerts\n");
    assertThat(msg).contains("token must be printable ASCII").doesNotContain("secret with spaces");
    assertThatThrownBy(() -> parse("forwarders: {a: 1}", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'forwarders' must be a list");
  }
}
