package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventDocumentsTest {
  private final TestEvents events = new TestEvents();
  private final Instant at = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void theOriginalTextOfASyslogLineIsAnalyzedWithoutTheMessageItEndsWith() {
    Event e = events.failedPassword(at, at, "root", "203.0.113.7", 22);
    assertThat(EventDocuments.originalText(e)).isEqualTo("<38>Nov 21 10:00:00 srv31 sshd[33151]: ");
  }

  @Test
  void theOriginalTextIsAnalyzedWholeWhenTheMessageIsNotAWholeWordsPartOfIt() {
    Event e = new Event("syslog", null, at, "host app: alert 31337");
    e.put("message", "1337");
    assertThat(EventDocuments.originalText(e)).isEqualTo("host app: alert 31337");
    e.put("message", "something else");
    assertThat(EventDocuments.originalText(e)).isEqualTo("host app: alert 31337");
    e.put("message", 42L);
    assertThat(EventDocuments.originalText(e)).isEqualTo("host app: alert 31337");
  }

  @Test
  void aMessageInTheMiddleOfTheOriginalLeavesBothSides() {
    Event e = new Event("webhook:app", null, at, "{\"message\":\"disk full\",\"host\":\"db1\"}");
    e.put("message", "disk full");
    assertThat(EventDocuments.originalText(e)).isEqualTo("{\"message\":\" \",\"host\":\"db1\"}");
  }
}
