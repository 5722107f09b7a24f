package io.phosor.redact;

/**
 * Kinds of personal data and secrets the redactor finds (SPEC section 4), each with the token that
 * replaces a finding. PASSWORD keeps the key and replaces only the value ({@code password=[REDACTED]}).
 */
public enum PiiType {
  SSN("[SSN-REDACTED]"),
  CREDIT_CARD("[CARD-REDACTED]"),
  PASSWORD("[REDACTED]"),
  JWT("[JWT-REDACTED]"),
  AWS_KEY("[AWS-KEY-REDACTED]"),
  GITHUB_TOKEN("[GITHUB-TOKEN-REDACTED]"),
  SLACK_TOKEN("[SLACK-TOKEN-REDACTED]"),
  BEARER_TOKEN("[BEARER-TOKEN-REDACTED]"),
  API_KEY("[API-KEY-REDACTED]"),
  PRIVATE_KEY("[PRIVATE-KEY-REDACTED]"),
  EMAIL("[EMAIL-REDACTED]"),
  PHONE("[PHONE-REDACTED]"),
  INTERNAL_IP("[INTERNAL-IP-REDACTED]");

  private final String replacement;

  PiiType(String replacement) {
    this.replacement = replacement;
  }

  /** The text that replaces a finding of this kind. */
  public String replacement() {
    return replacement;
  }
}
