package io.phosor.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Counts and prints the one-line summary every conformance test reports. */
final class Conformance {
  private final String file;
  private int total;
  private int passed;
  private final List<String> skipped = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  Conformance(String file) {
    this.file = file;
  }

  void skip(String reason) {
    total++;
    skipped.add(reason);
  }

  void check(String name, Runnable assertion) {
    total++;
    try {
      assertion.run();
      passed++;
    } catch (AssertionError | RuntimeException e) {
      failures.add(name + ": " + e.getMessage().replace('\n', ' '));
    }
  }

  /** Prints the summary and fails with every failing case listed. */
  void finish() {
    String skip = skipped.isEmpty() ? "" : " (skipped " + skipped.size() + ": "
        + String.join("; ", skipped.stream().distinct().toList()) + ")";
    System.out.println("[conformance] " + file + ": passed " + passed + " of " + total + skip);
    if (!failures.isEmpty()) {
      throw new AssertionError(failures.size() + " case(s) failed in " + file + ":\n  "
          + String.join("\n  ", failures));
    }
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
  }
}
