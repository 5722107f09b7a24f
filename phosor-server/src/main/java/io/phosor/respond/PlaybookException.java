package io.phosor.respond;

import java.util.List;

/** A playbook that is not valid: every problem found, each naming the playbook (or file) and what is wrong. */
final class PlaybookException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  PlaybookException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, one message each. */
  List<String> problems() {
    return problems;
  }
}
