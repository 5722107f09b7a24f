package io.phosor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocTest {
  @Test
  void docsConfigurationListsEverySettingAsTheCodeDefinesIt() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    assertThat(Files.readString(doc)).as("docs/configuration.md is stale: regenerate its table with "
        + "'./phosor config --reference'").contains(ConfigLoader.referenceTable());
  }
}
