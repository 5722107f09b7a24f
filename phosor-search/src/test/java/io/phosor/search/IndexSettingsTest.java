package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IndexSettingsTest {
  @Test
  void defaultsKeepAWeek() {
    assertThat(IndexSettings.defaults().retentionDays()).isEqualTo(7);
    assertThat(IndexSettings.defaults().withRetentionDays(30).retentionDays()).isEqualTo(30);
  }

  @Test
  void nonsenseIsRefusedWithTheSettingsNameAndRange() {
    assertThatThrownBy(() -> IndexSettings.defaults().withRetentionDays(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index setting retentionDays must be between 1 and 36500, was 0");
    assertThatThrownBy(() -> IndexSettings.defaults().withRamBufferMb(4096))
        .hasMessageContaining("ramBufferMb must be between 1 and 2047");
    assertThatThrownBy(() -> IndexSettings.defaults().withIndexThreads(0)).hasMessageContaining("indexThreads");
    assertThatThrownBy(() -> IndexSettings.defaults().withBounds(256, 40_000, 1, 100))
        .hasMessageContaining("maxKeywordChars must be between 1 and 8191");
  }
}
