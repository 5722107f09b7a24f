package io.phosor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.redact.PiiType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path tmp;

  @Test
  void defaultsMatchTheSpec() {
    PhosorConfig c = ConfigLoader.load(null, Map.of());
    assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.httpPort()).isEqualTo(8000);
    assertThat(c.syslogPort()).isEqualTo(5140);
    assertThat(c.syslogTlsPort()).isEqualTo(6514);
    assertThat(c.syslogTlsEnabled()).isFalse();
    assertThat(c.ingestTokens()).isEmpty();
    assertThat(c.redact()).contains(PiiType.SSN, PiiType.CREDIT_CARD, PiiType.PASSWORD)
        .doesNotContain(PiiType.EMAIL, PiiType.PHONE, PiiType.INTERNAL_IP);
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesFile() throws Exception {
    Path yml = tmp.resolve("phosor.yml");
    Files.writeString(yml, """
        data_dir: /srv/phosor
        http:
          port: 9000
        syslog:
          port: 1514
          timezone: Europe/Paris
          zones:
            10.0.0.5: America/New_York
        files:
          allowed_dirs: [/var/log, /opt/logs]
        redact:
          email: true
        """);
    PhosorConfig c = ConfigLoader.load(yml, Map.of("PHOSOR_HTTP_PORT", "9100", "REDACT_PHONE", "true"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/srv/phosor"));
    assertThat(c.httpPort()).isEqualTo(9100);
    assertThat(c.syslogPort()).isEqualTo(1514);
    assertThat(c.zoneFor("10.0.0.5")).isEqualTo(ZoneId.of("America/New_York"));
    assertThat(c.zoneFor("10.0.0.6")).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(c.fileAllowedDirs()).containsExactly(Path.of("/var/log"), Path.of("/opt/logs"));
    assertThat(c.redact()).contains(PiiType.EMAIL, PiiType.PHONE);
  }

  @Test
  void badPortNamesTheEnvironmentVariableAndTheProblem() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid configuration: PHOSOR_HTTP_PORT: must be a port number 0-65535, was 'eighty'");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_SYSLOG_PORT", "70000")))
        .hasMessageContaining("PHOSOR_SYSLOG_PORT").hasMessageContaining("was 70000");
  }

  @Test
  void anEncryptionKeyIsParsedAndABadOneIsRefusedWithoutEchoingIt() {
    String key = io.phosor.secrets.EncryptionKey.generate().encoded();
    PhosorConfig c = ConfigLoader.load(null, Map.of("PHOSOR_ENCRYPTION_KEY", key));
    assertThat(c.encryptionKey().encoded()).isEqualTo(key);
    assertThat(c.toString()).doesNotContain(key).contains("encryptionKey=id " + c.encryptionKey().id());
    assertThat(ConfigLoader.load(null, Map.of()).encryptionKey()).isNull();
    String truncated = key.substring(0, 20);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_ENCRYPTION_KEY", truncated)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("invalid configuration: PHOSOR_ENCRYPTION_KEY: ")
        .hasMessageContaining("phosor keygen").hasMessageNotContaining(truncated);
  }

  @Test
  void badValueInTheFileNamesTheFileAndKey() throws Exception {
    Path yml = tmp.resolve("phosor.yml");
    Files.writeString(yml, "syslog:\n  timezone: Mars/Olympus\n");
    assertThatThrownBy(() -> ConfigLoader.load(yml, Map.of()))
        .hasMessageContaining(yml + ": syslog.timezone").hasMessageContaining("Mars/Olympus");
  }

  @Test
  void unknownKeyInTheFileIsRejected() throws Exception {
    Path yml = tmp.resolve("phosor.yml");
    Files.writeString(yml, "http:\n  prot: 8000\n");
    assertThatThrownBy(() -> ConfigLoader.load(yml, Map.of())).hasMessageContaining("unknown setting 'http.prot'");
  }

  @Test
  void shortIngestTokenIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_INGEST_TOKENS", "0123456789abcdef0123,hunter2")))
        .hasMessageContaining("PHOSOR_INGEST_TOKENS").hasMessageContaining("token #2 is too short")
        .hasMessageNotContaining("hunter2");
    PhosorConfig c = ConfigLoader.load(null, Map.of("PHOSOR_INGEST_TOKENS", " 0123456789abcdef0123 , abcdefghijklmnopqrst"));
    assertThat(c.ingestTokens()).containsExactly("0123456789abcdef0123", "abcdefghijklmnopqrst");
  }

  @Test
  void tlsNeedsBothCertificateAndKey() throws Exception {
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "x");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_SYSLOG_TLS_CERT", cert.toString())))
        .hasMessageContaining("PHOSOR_SYSLOG_TLS_KEY").hasMessageContaining("needs both");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_SYSLOG_TLS_CERT", "/nonexistent.pem")))
        .hasMessageContaining("PHOSOR_SYSLOG_TLS_CERT: file '/nonexistent.pem' does not exist");
  }

  @Test
  void journalRetentionDefaultsAndBounds() {
    PhosorConfig d = ConfigLoader.load(null, Map.of());
    assertThat(d.journalRetention()).isEqualTo(java.time.Duration.ofHours(24));
    assertThat(d.journalMaxBytes()).isEqualTo(10L << 30);
    PhosorConfig c = ConfigLoader.load(null, Map.of("PHOSOR_JOURNAL_RETENTION_HOURS", "0", "PHOSOR_JOURNAL_MAX_BYTES", "0"));
    assertThat(c.journalRetention()).isZero();
    assertThat(c.journalMaxBytes()).isZero();
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_JOURNAL_RETENTION_HOURS", "-1")))
        .hasMessageContaining("PHOSOR_JOURNAL_RETENTION_HOURS");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_JOURNAL_MAX_BYTES", "lots")))
        .hasMessageContaining("PHOSOR_JOURNAL_MAX_BYTES");
  }

  @Test
  void allowedDirsMustBeAbsolute() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PHOSOR_FILE_ALLOWED_DIRS", "/var/log,logs")))
        .hasMessageContaining("PHOSOR_FILE_ALLOWED_DIRS: 'logs' must be an absolute directory path");
  }

  @Test
  void seedNamesWorkForRedactionSwitches() {
    PhosorConfig c = ConfigLoader.load(null, Map.of("REDACT_EMAIL", "true", "REDACT_INTERNAL_IPS", "yes",
        "PHOSOR_REDACT_SSN", "false"));
    assertThat(c.redact()).contains(PiiType.EMAIL, PiiType.INTERNAL_IP).doesNotContain(PiiType.SSN);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("REDACT_PHONE", "maybe")))
        .hasMessageContaining("REDACT_PHONE: must be true or false, was 'maybe'");
  }

  @Test
  void referenceTableListsEveryEnvironmentName() {
    String t = ConfigLoader.referenceTable();
    assertThat(t).contains("PHOSOR_DATA_DIR", "PHOSOR_HTTP_PORT", "PHOSOR_SYSLOG_PORT", "PHOSOR_SYSLOG_TLS_PORT",
        "PHOSOR_SYSLOG_TLS_CERT", "PHOSOR_SYSLOG_TLS_KEY", "PHOSOR_INGEST_TOKENS", "PHOSOR_FILE_ALLOWED_DIRS",
        "REDACT_EMAIL", "REDACT_PHONE", "REDACT_INTERNAL_IPS");
  }
}
