package io.phosor.notify;

import io.phosor.respond.AccountDisabler;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * disable_account through a webhook, for identity systems without a SCIM server: POSTs
 * {@code {"action":"disable_account","user":...,"incident_id":...}} signed like the generic webhook (same secret,
 * same headers), so the receiver (a script that calls the directory's own API) can check it came from Phosor.
 */
final class WebhookDisabler implements AccountDisabler {
  private final URI url;
  private final Signer signer;
  private final Http http;

  WebhookDisabler(URI url, String secret, Duration timeout, Clock clock) {
    this.url = url;
    this.signer = new Signer(secret, clock);
    List<String> secrets = new ArrayList<>(Http.secretsOf(url));
    secrets.add(secret);
    this.http = new Http(timeout, "disable-account webhook", secrets);
  }

  @Override
  public String kind() {
    return "webhook";
  }

  @Override
  public String disable(String userName, Notice context) throws ActionFailure {
    if (userName == null || userName.isBlank() || userName.length() > ScimDisabler.MAX_USER_NAME) {
      throw new ActionFailure("disable-account webhook: the user name must have 1 to " + ScimDisabler.MAX_USER_NAME
          + " characters", false);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("action", "disable_account");
    m.put("user", userName);
    m.put("incident_id", context == null ? null : context.incidentId());
    m.put("alert_id", context == null ? null : context.alertId());
    m.put("rule_id", context == null ? null : context.ruleId());
    m.put("dedup_key", context == null ? null : context.dedupKey());
    String body = Http.json(m);
    String delivery = (context == null ? "phosor" : context.dedupKey()) + ":disable_account:" + userName;
    Http.Answer a = http.send(WebhookNotifier.signedPost(http, url, signer, body, delivery));
    return "disable-account webhook accepted user '" + Text.oneLine(userName, 100) + "' (HTTP " + a.status() + ")";
  }
}
