package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.config.ResponseConfig;
import io.phosor.respond.AccountDisabler;
import io.phosor.respond.Notifier;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntegrationsTest {
  static final String SECRET = "whsec-0123456789abcdef0123";

  @Test
  void nothingConfiguredGivesNoNotifierAndNoDisabler() {
    ResponseConfig c = Notices.config();
    assertThat(Integrations.notifiers(c, Clock.systemUTC())).isEmpty();
    assertThat(Integrations.accountDisabler(c, Clock.systemUTC())).isEmpty();
  }

  @Test
  void everyConfiguredChannelGetsItsNotifierInTheFixedOrder() {
    ResponseConfig c = Notices.config(
        "PHOSOR_SLACK_WEBHOOK", "https://hooks.slack.com/services/T0/B0/x",
        "PHOSOR_TEAMS_WEBHOOK", "https://example.webhook.office.com/webhookb2/x",
        "PHOSOR_PAGERDUTY_ROUTING_KEY", "R0UT1NGKEY0123456789abcdefABCDEF",
        "PHOSOR_SMTP_HOST", "smtp.example.com", "PHOSOR_SMTP_TO", "soc@example.com",
        "PHOSOR_WEBHOOK_URL", "https://receiver.example.com/phosor", "PHOSOR_WEBHOOK_SECRET", SECRET);
    Map<String, Notifier> n = Integrations.notifiers(c, Clock.systemUTC());
    assertThat(n.keySet()).containsExactly("pagerduty", "slack", "teams", "email", "webhook");
    n.forEach((channel, notifier) -> assertThat(notifier.channel()).isEqualTo(channel));
    assertThat(n.get("email")).isInstanceOf(EmailNotifier.class);
  }

  @Test
  void scimIsPreferredOverTheDisableWebhook() {
    ResponseConfig both = Notices.config("PHOSOR_SCIM_URL", "https://idp.example.com/scim/v2",
        "PHOSOR_SCIM_TOKEN", "t0ken-0123456789", "PHOSOR_DISABLE_ACCOUNT_WEBHOOK", "https://idp.example.com/hook",
        "PHOSOR_WEBHOOK_SECRET", SECRET);
    assertThat(Integrations.accountDisabler(both, Clock.systemUTC())).get().extracting(AccountDisabler::kind)
        .isEqualTo("scim");
    ResponseConfig hook = Notices.config("PHOSOR_DISABLE_ACCOUNT_WEBHOOK", "https://idp.example.com/hook",
        "PHOSOR_WEBHOOK_SECRET", SECRET);
    Optional<AccountDisabler> d = Integrations.accountDisabler(hook, Clock.systemUTC());
    assertThat(d).get().extracting(AccountDisabler::kind).isEqualTo("webhook");
  }

  @Test
  void theConfigurationsTextNamesNoSecret() {
    ResponseConfig c = Notices.config("PHOSOR_SLACK_WEBHOOK", "https://hooks.slack.com/services/T0/B0/sl4cks3cret",
        "PHOSOR_SCIM_URL", "https://idp.example.com/scim/v2", "PHOSOR_SCIM_TOKEN", "t0ken-0123456789");
    assertThat(c.toString()).doesNotContain("sl4cks3cret").doesNotContain("t0ken-0123456789");
  }
}
