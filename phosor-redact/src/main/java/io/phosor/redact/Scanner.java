package io.phosor.redact;

import java.util.List;
import java.util.Set;

/**
 * One forward pass over the text that dispatches on the current char to the rule that can start there
 * (a digit run, a token prefix letter, '=', ':', '@', ...). Most chars of an ordinary log line fall
 * through the switch, which is the cheap prefilter; no regex runs on the hot path. Immutable.
 */
final class Scanner {
  private final boolean[] on;
  private final boolean numbers;
  private final boolean assignments;

  Scanner(Set<PiiType> enabled) {
    on = new boolean[PiiType.values().length];
    for (PiiType t : enabled) {
      on[t.ordinal()] = true;
    }
    numbers = is(PiiType.SSN) || is(PiiType.CREDIT_CARD) || is(PiiType.PHONE) || is(PiiType.INTERNAL_IP)
        || is(PiiType.API_KEY);
    assignments = is(PiiType.PASSWORD) || is(PiiType.AWS_KEY);
  }

  private boolean is(PiiType t) {
    return on[t.ordinal()];
  }

  List<Finding> scan(String s) {
    Hits hits = new Hits(on);
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      int next = switch (c) {
        case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
          if (i > 0 && Chars.digit(s.charAt(i - 1))) {
            yield i + 1;
          }
          yield numbers ? NumberRules.scan(s, i, hits) : Chars.digitsEnd(s, i);
        }
        case 'e' -> TokenRules.jwt(s, i, hits);
        case 'A' -> TokenRules.aws(s, i, hits);
        case 'g' -> TokenRules.g(s, i, hits);
        case 'G' -> TokenRules.gitlabRunner(s, i, hits);
        case 'x' -> TokenRules.slack(s, i, hits);
        case 'h' -> TokenRules.slackWebhook(s, i, hits);
        case 's', 'r' -> TokenRules.s(s, i, hits);
        case 'n' -> TokenRules.npm(s, i, hits);
        case 'p' -> TokenRules.pypi(s, i, hits);
        case 'S' -> TokenRules.sendgrid(s, i, hits);
        case 'B', 'b' -> Math.max(TokenRules.bearer(s, i, hits), TokenRules.basic(s, i, hits));
        case '-' -> Math.max(TokenRules.privateKey(s, i, hits), TokenRules.mailchimp(s, i, hits));
        case '=', ':', '!' -> assignments ? AssignmentRules.at(s, i, hits) : i + 1;
        case '"', '\'' -> assignments && is(PiiType.PASSWORD) && i > 0 && Chars.space(s.charAt(i - 1))
            ? AssignmentRules.statement(s, i, hits) : i + 1;
        case '@' -> is(PiiType.EMAIL) ? EmailRule.at(s, i, hits) : i + 1;
        default -> i + 1;
      };
      i = Math.max(next, i + 1);
    }
    return hits.resolve();
  }
}
