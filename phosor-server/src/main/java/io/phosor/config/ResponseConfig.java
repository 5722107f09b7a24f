package io.phosor.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The settings of incidents, playbooks, response actions, their integrations and threat intelligence
 * (SPEC section 6). Every value has been checked by {@link ConfigLoader}. Secrets (tokens, keys, passwords,
 * webhook URLs, which carry their own secret) are never printed: {@link #toString()} masks them.
 *
 * @param incidentWindow alerts about the same entity within this period of an open incident's last alert join it
 * @param allowedActions action types that may run at all (ALLOWED_RESPONSE_ACTIONS); others are recorded as refused
 * @param dryRun when true no action runs anywhere: each is recorded as what would have run
 * @param outboxCapacity actions that may wait for delivery; more are refused and counted
 * @param maxAttempts tries per action before it is recorded as failed
 * @param actionTimeout longest one attempt may take (HTTP request, SMTP session, firewall command)
 * @param workers threads that run actions
 * @param blockTtl how long block_ip blocks an address when the playbook sets no duration
 * @param blockAllowList addresses and CIDR ranges that are never blocked (the organisation's own)
 * @param blocklistFeedToken read-only token for GET /api/blocklist.txt, or null to generate one at first start
 * @param firewallBlockCommand argument list run to block an address ("{ip}" substituted), or empty for none
 * @param firewallUnblockCommand argument list run at expiry or removal, or empty for none
 * @param publicUrl the dashboard's URL for links in notifications, or null
 * @param slackWebhook Slack incoming webhook, or null
 * @param teamsWebhook Microsoft Teams incoming webhook, or null
 * @param pagerdutyRoutingKey PagerDuty Events API v2 integration (routing) key, or null
 * @param pagerdutyUrl PagerDuty Events API v2 enqueue URL
 * @param smtpHost SMTP server, or null for no email
 * @param smtpPort SMTP port
 * @param smtpSecurity "starttls" (required), "tls" (implicit TLS) or "none"
 * @param smtpUsername SMTP user, or null for no authentication
 * @param smtpPassword SMTP password, or null
 * @param smtpFrom sender address
 * @param smtpTo recipient addresses
 * @param webhookUrl generic webhook (signed with HMAC-SHA256), or null
 * @param webhookSecret the generic webhook's HMAC key, or null
 * @param scimUrl SCIM 2.0 base URL for disable_account, or null
 * @param scimToken SCIM bearer token, or null
 * @param disableAccountWebhook webhook for disable_account when there is no SCIM server (signed like the generic
 *     webhook), or null
 * @param abuseIpDbKey AbuseIPDB API key, or null (no look-ups)
 * @param abuseIpDbUrl AbuseIPDB base URL
 * @param otxKey AlienVault OTX API key, or null (no look-ups)
 * @param otxUrl AlienVault OTX base URL
 * @param intelLookupsPerMinute most remote reputation look-ups per minute, all services together
 * @param intelDir directory of local indicator files, or null for {@code <data_dir>/intel}
 * @param intelReloadInterval how often indicator files are checked for changes
 */
public record ResponseConfig(
    Duration incidentWindow,
    Set<String> allowedActions,
    boolean dryRun,
    int outboxCapacity,
    int maxAttempts,
    Duration actionTimeout,
    int workers,
    Duration blockTtl,
    List<String> blockAllowList,
    String blocklistFeedToken,
    List<String> firewallBlockCommand,
    List<String> firewallUnblockCommand,
    URI publicUrl,
    URI slackWebhook,
    URI teamsWebhook,
    String pagerdutyRoutingKey,
    URI pagerdutyUrl,
    String smtpHost,
    int smtpPort,
    String smtpSecurity,
    String smtpUsername,
    String smtpPassword,
    String smtpFrom,
    List<String> smtpTo,
    URI webhookUrl,
    String webhookSecret,
    URI scimUrl,
    String scimToken,
    URI disableAccountWebhook,
    String abuseIpDbKey,
    URI abuseIpDbUrl,
    String otxKey,
    URI otxUrl,
    int intelLookupsPerMinute,
    Path intelDir,
    Duration intelReloadInterval) {

  /** Every action type Phosor knows. */
  public static final Set<String> ACTION_TYPES = Set.of("block_ip", "disable_account", "alert", "log");

  /** Copies the collections. */
  public ResponseConfig {
    allowedActions = Set.copyOf(allowedActions);
    blockAllowList = List.copyOf(blockAllowList);
    firewallBlockCommand = List.copyOf(firewallBlockCommand);
    firewallUnblockCommand = List.copyOf(firewallUnblockCommand);
    smtpTo = List.copyOf(smtpTo);
  }

  /** The directory of local indicator files. */
  public Path effectiveIntelDir(Path dataDir) {
    return intelDir != null ? intelDir : dataDir.resolve("intel");
  }

  /** Which notification channels are configured, in a fixed order. */
  public List<String> configuredChannels() {
    List<String> out = new java.util.ArrayList<>();
    if (pagerdutyRoutingKey != null) {
      out.add("pagerduty");
    }
    if (slackWebhook != null) {
      out.add("slack");
    }
    if (teamsWebhook != null) {
      out.add("teams");
    }
    if (smtpHost != null && !smtpTo.isEmpty()) {
      out.add("email");
    }
    if (webhookUrl != null) {
      out.add("webhook");
    }
    return List.copyOf(out);
  }

  /** Names what is configured without printing any secret. */
  @Override
  public String toString() {
    return "ResponseConfig[incidentWindow=" + incidentWindow + ", allowedActions=" + allowedActions + ", dryRun="
        + dryRun + ", channels=" + configuredChannels() + ", scim=" + (scimUrl != null) + ", abuseipdb="
        + (abuseIpDbKey != null) + ", otx=" + (otxKey != null) + " (secrets masked)]";
  }
}
