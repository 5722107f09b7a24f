package io.phosor.intel;

/** An indicator file that cannot be used: names the file, the line (0 when none applies) and the problem. */
final class IndicatorFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final long line;

  IndicatorFileException(String file, long line, String problem) {
    super(file + (line > 0 ? " line " + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
  }

  /** The file's name. */
  String file() {
    return file;
  }

  /** The line of the problem, or 0. */
  long line() {
    return line;
  }
}
