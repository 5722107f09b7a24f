package io.phosor.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class Rfc3164ParserTest {
  private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").getEpochSecond();

  private static SyslogMessage withPri(String s) {
    return Rfc3164Parser.parse(s, s.indexOf('>') + 1, true, ZoneOffset.UTC, NOW);
  }

  @Test
  void tagWithPidAndColonIsSplitFromContent() {
    SyslogMessage m = withPri("<13>May 30 10:00:00 host su(pam_unix)[23164]: session opened");
    assertThat(m.hostname).isEqualTo("host");
    assertThat(m.appname).isEqualTo("su(pam_unix)");
    assertThat(m.procid).isEqualTo("23164");
    assertThat(m.message).isEqualTo("session opened");
    assertThat(m.timestamp).isEqualTo(Instant.parse("2026-05-30T10:00:00Z"));
  }

  @Test
  void ciscoSequenceNumberMillisecondsAndTrailingColonMeanNoHostname() {
    SyslogMessage m = withPri("<190>530470: *Sep 28 17:13:35.098: %SEC-6-IPACCESSLOGP: list denied");
    assertThat(m.hostname).isNull();
    assertThat(m.message).isEqualTo("%SEC-6-IPACCESSLOGP: list denied");
    assertThat(m.timestamp).isEqualTo(Instant.parse("2025-09-28T17:13:35.098Z"));
  }

  @Test
  void yearFirstStampWithZoneName() {
    SyslogMessage m = withPri("<134>: 2017 Mar  6 12:53:10 UTC: %POLICY-6-X: hello");
    assertThat(m.timestamp).isEqualTo(Instant.parse("2017-03-06T12:53:10Z"));
    assertThat(m.message).isEqualTo("%POLICY-6-X: hello");
  }

  @Test
  void textWithoutAStampAfterPriIsTheMessage() {
    SyslogMessage m = withPri("<45>date=2017-03-06 time=12:53:10 devname=X");
    assertThat(m.timestamp).isNull();
    assertThat(m.message).isEqualTo("date=2017-03-06 time=12:53:10 devname=X");
  }

  @Test
  void withoutPriOnlyAStampedLineIsSyslog() {
    assertThat(Rfc3164Parser.parse("hello world", 0, false, ZoneOffset.UTC, NOW)).isNull();
    SyslogMessage m = Rfc3164Parser.parse("Jun  1 00:00:01 h CEF:0|a|b|c|d|e|1|x=y", 0, false, ZoneOffset.UTC, NOW);
    assertThat(m.hostname).isEqualTo("h");
    assertThat(m.appname).isNull();
    assertThat(m.message).startsWith("CEF:0|");
  }
}
