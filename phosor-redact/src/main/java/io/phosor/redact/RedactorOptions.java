package io.phosor.redact;

/**
 * Tuning of the redactor's rules beyond which kinds are on (see docs/redaction.md, "Configuration").
 *
 * @param ssnUnseparated also redact a bare nine-digit number as an SSN when it passes the SSA validity
 *     rules, without an SSN keyword before it ({@code PHOSOR_REDACT_SSN_UNSEPARATED}). Off by default:
 *     in logs most bare nine-digit numbers are ids, byte counts, pids or record numbers, and redacting
 *     them destroys evidence; with it off they are SSNs only after "ssn", "social sec" or "ss#".
 */
public record RedactorOptions(boolean ssnUnseparated) {
  /** The defaults: bare nine-digit numbers are SSNs only after an SSN keyword. */
  public static final RedactorOptions DEFAULTS = new RedactorOptions(false);
}
