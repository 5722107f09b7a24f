package io.phosor.auth;

import io.phosor.audit.Audit;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a bearer token into a {@link Principal}: first the static machine tokens (constant-time), then a JWT
 * from {@link AccessTokens} whose account must still exist, be enabled and be unchanged since the token was
 * issued. Every rejected token is audited ({@code token.rejected}, with the reason).
 */
public final class Authenticator {
  private final TokenAuth machine;
  private final AccessTokens tokens;
  private final Accounts accounts;
  private final Audit audit;

  /** Checks {@code machine} tokens, then {@code tokens} against {@code accounts}; refusals go to {@code audit}. */
  public Authenticator(TokenAuth machine, AccessTokens tokens, Accounts accounts, Audit audit) {
    this.machine = Objects.requireNonNull(machine, "machine");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /**
   * The caller behind {@code token}.
   *
   * @param address the client's address, for the audit log
   * @param request what was asked ({@code GET /api/alerts}), for the audit log
   * @throws AccessTokens.InvalidTokenException when the token is not valid (after auditing it)
   */
  public Principal authenticate(String token, String address, String request) {
    Principal p = machine.principal(token);
    if (p != null) {
      return p;
    }
    AccessTokens.Claims claims;
    try {
      claims = tokens.verify(token);
    } catch (AccessTokens.InvalidTokenException e) {
      audit.record("anonymous", null, address, "token.rejected", request, "denied", Map.of("reason", e.reason()));
      throw e;
    }
    try {
      return accounts.principal(claims);
    } catch (AccessTokens.InvalidTokenException e) {
      // The signature held, so the name in the token is ours and worth recording.
      audit.record(claims.username(), null, address, "token.rejected", request, "denied",
          Map.of("reason", e.reason(), "token_id", claims.id()));
      throw e;
    }
  }

  /** The static machine tokens (for the ingestion routes that check their own header format, like HEC). */
  public TokenAuth machineTokens() {
    return machine;
  }

  /** The access token issuer. */
  public AccessTokens tokens() {
    return tokens;
  }

  /** The accounts. */
  public Accounts accounts() {
    return accounts;
  }
}
