package io.phosor.parse;

/**
 * A syslog message that does not follow its RFC: carries the position (0-based character index) where
 * parsing stopped and what was expected there.
 */
final class SyslogFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int position;
  private final String problem;

  SyslogFormatException(int position, String problem) {
    super(problem + " [col " + position + "]", null, false, false);
    this.position = position;
    this.problem = problem;
  }

  /** 0-based character index where the problem was found. */
  int position() {
    return position;
  }

  /** What was expected, without the position. */
  String problem() {
    return problem;
  }
}
