package io.phosor.audit;

import java.util.Map;

/**
 * The audit trail: every state-changing request and every security event (login success and failure, token
 * rejected, rate-limit block, PII detected counts) is recorded through this one interface. The server's
 * implementation writes hash-chained JSON lines; {@link #NONE} records nothing (tools and tests).
 */
public interface Audit {
  /** Records nothing. */
  Audit NONE = (actor, role, address, action, target, outcome, detail) -> { };

  /**
   * Records one entry.
   *
   * @param actor who (user name, {@code ingest-token:<name>}, or {@code anonymous})
   * @param role the caller's role, or null when not authenticated
   * @param address the client's IP address, or null
   * @param action what was attempted, e.g. {@code POST /api/rules}, {@code login}, {@code token.rejected}
   * @param target the object acted on (rule id, alert id, user name), or null
   * @param outcome {@code success}, {@code failure}, {@code denied}, or an HTTP status
   * @param detail extra JSON-ready facts (never a secret)
   */
  void record(String actor, String role, String address, String action, String target, String outcome,
      Map<String, Object> detail);
}
