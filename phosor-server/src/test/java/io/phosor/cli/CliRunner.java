package io.phosor.cli;

/** Runs the {@code phosor} command line in-process for tests outside this package. */
public final class CliRunner {
  /** A finished run: exit status, standard output and standard error. */
  public record Run(int status, String out, String err) {}

  private CliRunner() {}

  /** Runs {@code phosor args...} capturing its output. */
  public static Run run(String... args) {
    ReplayCommandTest.Run r = ReplayCommandTest.run(args);
    return new Run(r.status(), r.out(), r.err());
  }
}
