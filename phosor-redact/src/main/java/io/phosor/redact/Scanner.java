package io.phosor.redact;

import java.util.List;
import java.util.Set;

/**
 * One forward pass over the text that dispatches to the rule that can start at the current position:
 * the first char of a word (token prefixes such as {@code eyJ}, {@code AKIA}, {@code ghp_}, {@code Bearer})
 * or of a number (SSN, card, phone, IP), and the punctuation {@code = : ! " ' - @}. The rest of a word is
 * skipped without a look, so an ordinary log line costs one cheap test per char plus a few bounded checks
 * per word: that is the prefilter. No regex runs on the hot path. Immutable.
 */
final class Scanner {
  private final boolean[] on;
  private final boolean numbers;
  private final boolean assignments;
  private final boolean ssnUnseparated;
  private final Prefilter prefilter;

  Scanner(Set<PiiType> enabled, RedactorOptions options) {
    ssnUnseparated = options.ssnUnseparated();
    on = new boolean[PiiType.values().length];
    for (PiiType t : enabled) {
      on[t.ordinal()] = true;
    }
    numbers = is(PiiType.SSN) || is(PiiType.CREDIT_CARD) || is(PiiType.PHONE) || is(PiiType.INTERNAL_IP)
        || is(PiiType.API_KEY);
    assignments = is(PiiType.PASSWORD) || is(PiiType.AWS_KEY);
    prefilter = new Prefilter(on);
  }

  /** Rules that start at the first letter of a word; every token prefix begins a word. */
  private static int wordStart(String s, int i, char c, Hits hits) {
    return switch (c) {
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
      default -> i + 1;
    };
  }

  private boolean is(PiiType t) {
    return on[t.ordinal()];
  }

  /** The findings in {@code s}: none when the {@link Prefilter} rules every rule out, else {@link #scanFull}. */
  List<Finding> scan(String s) {
    return prefilter.maybe(s) ? scanFull(s) : List.of();
  }

  /** Whether {@code s} may hold a finding at all ({@link Prefilter#maybe}). */
  boolean maybe(String s) {
    return prefilter.maybe(s);
  }

  /** The full scan without the prefilter: the reference the prefilter is tested against. */
  List<Finding> scanFull(String s) {
    Hits hits = new Hits(on);
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (Chars.alnum(c)) {
        // a word or number starts here (the previous char is not alnum: words are skipped whole below)
        int next = Chars.digit(c) ? (numbers ? NumberRules.scan(s, i, ssnUnseparated, hits) : i + 1) : wordStart(s, i, c, hits);
        int k = i + 1;
        while (k < n && Chars.alnum(s.charAt(k))) {
          k++;
        }
        i = Math.max(next, k);
        continue;
      }
      int next = switch (c) {
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
