package io.phosor.notify;

import io.phosor.config.ResponseConfig;
import io.phosor.respond.AccountDisabler;
import io.phosor.respond.Notifier;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the configured integrations for the response engine: the notifiers by channel name and the account
 * disabler. Each makes one attempt per call, bounded by {@link ResponseConfig#actionTimeout()}; the engine retries.
 * See docs/integrations.md.
 */
public final class Integrations {
  private Integrations() {}

  /**
   * One notifier per configured channel ({@link ResponseConfig#configuredChannels()}), keyed and ordered as
   * "pagerduty", "slack", "teams", "email", "webhook"; empty when none is configured.
   *
   * @param clock signs webhook requests and dates emails
   */
  public static Map<String, Notifier> notifiers(ResponseConfig c, Clock clock) {
    Map<String, Notifier> out = new LinkedHashMap<>();
    for (String channel : c.configuredChannels()) {
      Notifier n = switch (channel) {
        case "pagerduty" -> new PagerDutyNotifier(c.pagerdutyUrl(), c.pagerdutyRoutingKey(), c.actionTimeout());
        case "slack" -> new SlackNotifier(c.slackWebhook(), c.actionTimeout());
        case "teams" -> new TeamsNotifier(c.teamsWebhook(), c.actionTimeout());
        case "email" -> new EmailNotifier(c, clock);
        case "webhook" -> new WebhookNotifier(c.webhookUrl(), c.webhookSecret(), c.actionTimeout(), clock);
        default -> throw new IllegalStateException("unknown notification channel: " + channel);
      };
      out.put(channel, n);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * The account disabler: SCIM 2.0 when PHOSOR_SCIM_URL is set, else the signed disable-account webhook when
   * PHOSOR_DISABLE_ACCOUNT_WEBHOOK is set, else empty (disable_account then cannot run).
   */
  public static Optional<AccountDisabler> accountDisabler(ResponseConfig c, Clock clock) {
    if (c.scimUrl() != null) {
      return Optional.of(new ScimDisabler(c.scimUrl(), c.scimToken(), c.actionTimeout()));
    }
    if (c.disableAccountWebhook() != null) {
      return Optional.of(new WebhookDisabler(c.disableAccountWebhook(), c.webhookSecret(), c.actionTimeout(), clock));
    }
    return Optional.empty();
  }
}
