package io.phosor.respond;

/**
 * Disables a user account in the identity system (SCIM 2.0 server or a webhook). Thread-safe; may block up to the
 * configured action timeout; called on the response engine's worker threads only.
 */
public interface AccountDisabler {
  /** "scim" or "webhook". */
  String kind();

  /**
   * Disables {@code userName}. Returns the outcome for the record, e.g. "SCIM user 2819c223 active=false (HTTP 200)".
   * Disabling an account that is already disabled succeeds.
   *
   * @param context the incident or alert it is done for
   * @throws ActionFailure when it was not done; not retryable when the user does not exist
   */
  String disable(String userName, Notice context) throws ActionFailure;
}
