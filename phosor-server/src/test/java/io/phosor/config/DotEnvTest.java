package io.phosor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.auth.AuthSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {
  @TempDir
  Path tmp;

  private DotEnv write(String text) throws Exception {
    Path f = tmp.resolve(".env");
    Files.writeString(f, text);
    return DotEnv.read(f);
  }

  @Test
  void theUsualDotenvSyntaxIsRead() throws Exception {
    DotEnv d = write("\uFEFF# Phosor\r\n"
        + "\n"
        + "   # indented comment\n"
        + "PLAIN=value\n"
        + "export EXPORTED=yes\n"
        + "  SPACED  =  padded value   \n"
        + "COMMENTED=abc # a note\n"
        + "HASH_INSIDE=abc#def\n"
        + "STARTS_WITH_HASH=#x\n"
        + "EMPTY=\n"
        + "EMPTY_WITH_NOTE= # nothing\n"
        + "SINGLE='a \"b\" # c $HOME'\n"
        + "DOUBLE=\"line\\nnext\\t\\\"q\\\" \\\\ \\$HOME\" # note\n"
        + "CRLF=windows\r\n"
        + "TWICE=first\n"
        + "TWICE=second\n"
        + "URL=https://hooks.example.com/a?b=c&d=e\n"
        + "LAST=no newline at the end");
    assertThat(d.values()).containsExactly(
        Map.entry("PLAIN", "value"),
        Map.entry("EXPORTED", "yes"),
        Map.entry("SPACED", "padded value"),
        Map.entry("COMMENTED", "abc"),
        Map.entry("HASH_INSIDE", "abc#def"),
        Map.entry("STARTS_WITH_HASH", "#x"),
        Map.entry("EMPTY", ""),
        Map.entry("EMPTY_WITH_NOTE", ""),
        Map.entry("SINGLE", "a \"b\" # c $HOME"),
        Map.entry("DOUBLE", "line\nnext\t\"q\" \\ $HOME"),
        Map.entry("CRLF", "windows"),
        Map.entry("TWICE", "second"),
        Map.entry("URL", "https://hooks.example.com/a?b=c&d=e"),
        Map.entry("LAST", "no newline at the end"));
  }

  @Test
  void aMalformedLineIsNamedByFileAndLineWithoutItsValue() {
    Path f = tmp.resolve(".env");
    assertThatThrownBy(() -> write("# ok\nPHOSOR_HTTP_PORT 8000\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("invalid configuration: " + f + " line 2: expected NAME=VALUE, found no '='");
    assertThatThrownBy(() -> write("1PORT=8000\n"))
        .hasMessageContaining(f + " line 1: '1PORT' is not a variable name");
    assertThatThrownBy(() -> write("=8000\n")).hasMessageContaining("line 1: expected NAME=VALUE, found no name");
    assertThatThrownBy(() -> write("A=1\nPHOSOR_SECRET_KEY=\"s3cr3t-value\n"))
        .hasMessageContaining(f + " line 2: PHOSOR_SECRET_KEY: the double quote is not closed")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> write("PHOSOR_SMTP_PASSWORD='s3cr3t\n"))
        .hasMessageContaining("line 1: PHOSOR_SMTP_PASSWORD: the single quote is not closed")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> write("PHOSOR_SMTP_PASSWORD='s3cr3t' trailing\n"))
        .hasMessageContaining("line 1: PHOSOR_SMTP_PASSWORD: unexpected text after the closing quote")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void oversizedAndNonUtf8FilesAreRefused() throws Exception {
    Path big = tmp.resolve("big.env");
    Files.writeString(big, "A=" + "x".repeat(DotEnv.MAX_BYTES));
    assertThatThrownBy(() -> DotEnv.read(big)).hasMessageContaining("larger than the " + DotEnv.MAX_BYTES);
    Path latin = tmp.resolve("latin.env");
    Files.write(latin, "A=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> DotEnv.read(latin)).hasMessageContaining(latin + ": not valid UTF-8");
    Path dir = Files.createDirectory(tmp.resolve("dir.env"));
    assertThatThrownBy(() -> DotEnv.read(dir)).hasMessageContaining("not a regular file");
  }

  @Test
  void dotEnvSitsBetweenPhosorYmlAndTheEnvironment() throws Exception {
    Path yml = tmp.resolve("phosor.yml");
    Files.writeString(yml, "http:\n  port: 9000\nsyslog:\n  port: 1514\n");
    DotEnv d = write("PHOSOR_SYSLOG_PORT=2514\nPHOSOR_RETENTION_DAYS=30\nPHOSOR_GELF_PORT=12201\n");
    PhosorConfig c = ConfigLoader.load(yml, d, Map.of("PHOSOR_RETENTION_DAYS", "14"));
    assertThat(c.httpPort()).as("phosor.yml over the default").isEqualTo(9000);
    assertThat(c.syslogPort()).as(".env over phosor.yml").isEqualTo(2514);
    assertThat(c.retentionDays()).as("environment over .env").isEqualTo(14);
    assertThat(c.inputs().gelfPort()).isEqualTo(12201);
  }

  @Test
  void aBadValueInDotEnvNamesTheFileLineAndVariable() throws Exception {
    Path f = tmp.resolve(".env");
    DotEnv d = write("# settings\nPHOSOR_HTTP_PORT=eighty\n");
    assertThatThrownBy(() -> ConfigLoader.load(null, d, Map.of()))
        .hasMessage("invalid configuration: " + f + " line 2 (PHOSOR_HTTP_PORT): must be a port number 0-65535, "
            + "was 'eighty'");
    // the environment overrides the bad line, so it is never parsed
    assertThat(ConfigLoader.load(null, d, Map.of("PHOSOR_HTTP_PORT", "8080")).httpPort()).isEqualTo(8080);
  }

  @Test
  void anUnknownPhosorNameIsATypoButOtherNamesAreLeftAlone() throws Exception {
    Path f = tmp.resolve(".env");
    DotEnv typo = write("PHOSOR_HTTP_PROT=9000\n");
    assertThatThrownBy(() -> ConfigLoader.load(null, typo, Map.of()))
        .hasMessage("invalid configuration: " + f + " line 1: unknown setting PHOSOR_HTTP_PROT (config/example.env "
            + "lists every setting)");
    DotEnv other = write("COMPOSE_PROJECT_NAME=soc\nDATABASE_URL=\nREDACT_EMAIL=true\n");
    assertThat(ConfigLoader.load(null, other, Map.of()).redact()).contains(io.phosor.redact.PiiType.EMAIL);
  }

  @Test
  void environmentOnlySettingsComeFromDotEnvToo() throws Exception {
    DotEnv d = write("SECRET_KEY=" + "k".repeat(40) + "\nPHOSOR_TOKEN_TTL_SECONDS=600\n");
    AuthSettings a = AuthSettings.fromEnvironment(d.under(Map.of("PHOSOR_TOKEN_TTL_SECONDS", "120")));
    assertThat(new String(a.secretKey(), StandardCharsets.UTF_8)).isEqualTo("k".repeat(40));
    assertThat(a.tokenTtl()).isEqualTo(Duration.ofSeconds(120));
    assertThat(ConfigLoader.load(null, d, Map.of())).isNotNull();
    assertThat(d.toString()).doesNotContain("kkkk").contains("2 variables");
  }

  @Test
  void noFileIsAnEmptyLayer() {
    assertThat(DotEnv.none().values()).isEmpty();
    Map<String, String> env = Map.of("A", "1");
    assertThat(DotEnv.none().under(env)).isSameAs(env);
  }
}
