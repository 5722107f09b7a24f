package io.phosor.redact;

/** Kinds of personal data and secrets the redactor finds (SPEC section 4). */
public enum PiiType {
  SSN, CREDIT_CARD, PASSWORD, JWT, AWS_KEY, GITHUB_TOKEN, SLACK_TOKEN, BEARER_TOKEN, API_KEY, PRIVATE_KEY,
  EMAIL, PHONE, INTERNAL_IP
}
