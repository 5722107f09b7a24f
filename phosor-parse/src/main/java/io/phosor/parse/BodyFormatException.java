package io.phosor.parse;

/** A message body that claims a format (CEF, LEEF, JSON) but breaks it; the text names format and problem. */
final class BodyFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BodyFormatException(String format, int position, String problem) {
    super(format + ": " + problem + " [col " + position + "]", null, false, false);
  }
}
