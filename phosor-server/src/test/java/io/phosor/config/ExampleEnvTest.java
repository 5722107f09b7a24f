package io.phosor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleEnvTest {
  private static final Path EXAMPLE = Path.of("..", "config", "example.env");

  @TempDir
  Path tmp;

  @Test
  void configExampleEnvIsTheGeneratedListOfEverySetting() throws Exception {
    assertThat(Files.readString(EXAMPLE)).as("config/example.env is stale: regenerate it with "
        + "'./phosor config --example-env > config/example.env'").isEqualTo(ConfigLoader.exampleEnv());
  }

  @Test
  void everyVariablePhosorReadsIsInTheExample() throws Exception {
    String text = Files.readString(EXAMPLE);
    for (Setting<?> s : ConfigLoader.settings()) {
      assertThat(text).as(s.key()).contains("#" + s.env().get(0) + "=");
    }
    for (ConfigLoader.EnvOnly e : ConfigLoader.ENV_ONLY) {
      assertThat(text).contains("#" + e.names().get(0) + "=");
    }
  }

  @Test
  void theExampleWithEveryLineUncommentedIsValidAndChangesNothing() throws Exception {
    String uncommented = Files.readString(EXAMPLE).replaceAll("(?m)^#([A-Z][A-Z0-9_]*=)", "$1");
    Path f = Files.writeString(tmp.resolve(".env"), uncommented);
    DotEnv d = DotEnv.read(f);
    assertThat(d.values()).hasSizeGreaterThan(90).containsEntry("PHOSOR_HTTP_PORT", "8000");
    assertThat(ConfigLoader.load(null, d, Map.of())).isEqualTo(ConfigLoader.load(null, Map.of()));
    assertThat(io.phosor.auth.AuthSettings.fromEnvironment(d.under(Map.of())).tokenTtl())
        .isEqualTo(io.phosor.auth.AuthSettings.DEFAULT_TOKEN_TTL);
  }
}
