package io.phosor.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Cef}: escaping as the CEF standard requires, severities, lengths, and the lines of each kind of record. */
class CefTest {
  private static final Instant T = Instant.parse("2026-11-21T10:15:30.250Z");

  @Test
  void headerFieldsEscapeBackslashAndPipeAndLoseLineBreaks() {
    assertThat(Cef.header("a|b\\c", 100)).isEqualTo("a\\|b\\\\c");
    assertThat(Cef.header("one\ntwo\rthree\tfour", 100)).isEqualTo("one two three four");
    assertThat(Cef.header("x=y", 100)).as("= needs no escape in the header").isEqualTo("x=y");
  }

  @Test
  void extensionValuesEscapeBackslashEqualsAndLineBreaks() {
    assertThat(Cef.extension("a=b")).isEqualTo("a\\=b");
    assertThat(Cef.extension("C:\\temp")).isEqualTo("C:\\\\temp");
    assertThat(Cef.extension("line1\nline2\r\n")).isEqualTo("line1\\nline2\\r\\n");
    assertThat(Cef.extension("a|b")).as("| needs no escape in extensions").isEqualTo("a|b");
    assertThat(Cef.extension("bell\u0007")).isEqualTo("bell ");
    assertThat(Cef.extension("\\=")).isEqualTo("\\\\\\=");
  }

  @Test
  void longValuesAreCutBeforeEscapingAndNeverInsideASurrogatePair() {
    String v = "=".repeat(Cef.MAX_VALUE + 50);
    assertThat(Cef.extension(v)).isEqualTo("\\=".repeat(Cef.MAX_VALUE));
    String emoji = "a".repeat(Cef.MAX_VALUE - 1) + "\uD83D\uDE00";
    assertThat(Cef.extension(emoji)).isEqualTo("a".repeat(Cef.MAX_VALUE - 1));
  }

  @Test
  void severitiesMapOntoTheCefScale() {
    assertThat(List.of(Severity.values()).stream().map(Cef::severity).toList()).containsExactly(1, 3, 5, 8, 10);
  }

  @Test
  void anAlertBecomesOneCefLine() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", 42L);
    doc.put("rule", "ssh-brute-force");
    doc.put("rule_name", "SSH brute force | fast");
    doc.put("severity", "critical");
    doc.put("tags", List.of("attack.t1110", "attack.credential_access"));
    doc.put("group", Map.of("source.ip", "203.0.113.7"));
    doc.put("first_seen", "2026-11-21T10:15:00Z");
    doc.put("last_seen", "2026-11-21T10:15:30.250Z");
    doc.put("count", 5L);
    doc.put("summary", "5 events from source.ip=203.0.113.7");
    doc.put("status", "open");
    Item alert = new Item(Kind.ALERTS, 42, "fp", T, Severity.CRITICAL, doc);
    assertThat(Cef.format(alert)).isEqualTo("CEF:0|Phosor|Phosor|" + Cef.VERSION
        + "|ssh-brute-force|SSH brute force \\| fast|10|rt=1795256130250 externalId=42 cat=alert start=1795256100000 "
        + "end=1795256130250 cnt=5 src=203.0.113.7 msg=5 events from source.ip\\=203.0.113.7 cs1Label=rule_id "
        + "cs1=ssh-brute-force cs2Label=tags cs2=attack.t1110,attack.credential_access cs3Label=status cs3=open");
  }

  @Test
  void anEventKeepsItsFieldsInStandardKeysAndAMultiLineMessageStaysOneLine() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("event.id", 7L);
    doc.put("phosor.source", "syslog");
    doc.put("event.action", "ssh_failed_password");
    doc.put("message", "Failed password for root\nfrom 10.0.0.1");
    doc.put("source.ip", "10.0.0.1");
    doc.put("source.port", 52113L);
    doc.put("user.name", "root");
    doc.put("host.name", "srv1");
    String line = Cef.format(new Item(Kind.EVENTS, 7, "7-1", T, Severity.MEDIUM, doc));
    assertThat(line).doesNotContain("\n").startsWith("CEF:0|Phosor|Phosor|" + Cef.VERSION
        + "|ssh_failed_password|Failed password for root from 10.0.0.1|5|rt=1795256130250 externalId=7 cat=event "
        + "src=10.0.0.1 spt=52113 suser=root shost=srv1 act=ssh_failed_password "
        + "msg=Failed password for root\\nfrom 10.0.0.1 cs1Label=phosor_source cs1=syslog");
  }

  @Test
  void anIncidentChangeNamesTheChangeAndTheEntity() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("id", 3L);
    doc.put("title", "Brute force from 203.0.113.7");
    doc.put("status", "open");
    doc.put("entity_type", "ip");
    doc.put("entity_value", "203.0.113.7");
    doc.put("alert_count", 2L);
    doc.put("change", Map.of("kind", "status_changed", "by", "alice"));
    String line = Cef.format(new Item(Kind.INCIDENTS, 9, "3-9", T, Severity.HIGH, doc));
    assertThat(line).contains("|incident_status_changed|Brute force from 203.0.113.7|8|").contains("src=203.0.113.7")
        .contains("act=status_changed").contains("cs2Label=entity cs2=ip:203.0.113.7")
        .contains("cs4Label=changed_by cs4=alice");
  }
}
