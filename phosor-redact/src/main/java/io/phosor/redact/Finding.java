package io.phosor.redact;

import java.util.Objects;

/**
 * One detection: its kind and the half-open char span {@code [start, end)} in the scanned text. Holds no
 * part of the secret, so it is safe to log.
 */
public record Finding(PiiType type, int start, int end) {
  /** Validates the span. */
  public Finding {
    Objects.requireNonNull(type, "type");
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("finding span must satisfy 0 <= start < end, was [" + start + ", " + end + ")");
    }
  }

  /** Length of the span in chars. */
  public int length() {
    return end - start;
  }
}
