package io.phosor.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.phosor.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSettingsTest {
  @Test
  void defaultsGenerateTheKeyAndThePassword() {
    AuthSettings s = AuthSettings.fromEnvironment(Map.of());
    assertThat(s.secretKey()).isNull();
    assertThat(s.adminPassword()).isNull();
    assertThat(s.tokenTtl()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aKeyShorterThan32BytesStopsStartUpWithoutShowingIt() {
    assertThatThrownBy(() -> AuthSettings.fromEnvironment(Map.of("SECRET_KEY", "too-short-secret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("SECRET_KEY: the token signing key must be at least 32 bytes, was 16")
        .hasMessageNotContaining("too-short-secret");
    assertThat(AuthSettings.fromEnvironment(Map.of("PHOSOR_SECRET_KEY", "k".repeat(32), "SECRET_KEY", "short"))
        .secretKey()).hasSize(32);
  }

  @Test
  void theTokenLifetimeIsBounded() {
    assertThat(AuthSettings.fromEnvironment(Map.of("PHOSOR_TOKEN_TTL_SECONDS", "60")).tokenTtl()).hasSeconds(60);
    assertThatThrownBy(() -> AuthSettings.fromEnvironment(Map.of("PHOSOR_TOKEN_TTL_SECONDS", "59")))
        .hasMessageContaining("PHOSOR_TOKEN_TTL_SECONDS: must be between 60 and 86400, was 59");
    assertThatThrownBy(() -> AuthSettings.fromEnvironment(Map.of("PHOSOR_TOKEN_TTL_SECONDS", "1h")))
        .hasMessageContaining("whole number");
  }

  @Test
  void theAdminPasswordMustBeAtLeast12Characters() {
    assertThatThrownBy(() -> AuthSettings.fromEnvironment(Map.of("PHOSOR_ADMIN_PASSWORD", "elevenchars")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PHOSOR_ADMIN_PASSWORD: password must be at least 12");
    assertThat(AuthSettings.fromEnvironment(Map.of("PHOSOR_ADMIN_PASSWORD", "twelve chars")).adminPassword())
        .isEqualTo("twelve chars");
    assertThat(AuthSettings.fromEnvironment(Map.of("PHOSOR_ADMIN_PASSWORD", "x".repeat(12))).toString())
        .doesNotContain("xxxx");
  }
}
