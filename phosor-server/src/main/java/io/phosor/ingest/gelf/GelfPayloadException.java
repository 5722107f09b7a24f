package io.phosor.ingest.gelf;

/** A GELF payload that cannot be read: too large once inflated, or damaged compressed data. */
final class GelfPayloadException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean oversized;

  GelfPayloadException(String message, boolean oversized) {
    super(message, null, false, false);
    this.oversized = oversized;
  }

  /** True when the message exceeded the size limit; false when the compressed data was damaged. */
  boolean oversized() {
    return oversized;
  }
}
