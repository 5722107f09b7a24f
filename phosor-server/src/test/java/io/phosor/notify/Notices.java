package io.phosor.notify;

import io.phosor.config.ConfigLoader;
import io.phosor.config.ResponseConfig;
import io.phosor.event.Severity;
import io.phosor.respond.Notice;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Notices and configurations for the integration tests. */
final class Notices {
  static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  private Notices() {}

  /** A high-severity incident about an IP address, with a dashboard link. */
  static Notice incident() {
    return new Notice("phosor-incident-42", false, "[HIGH] SSH brute force from 203.0.113.7", Severity.HIGH,
        "12 failed logins for root in 60 s\nfrom 203.0.113.7", 42L, 7L, "ssh-brute-force",
        List.of("attack.t1110", "attack.credential_access"), "ip", "203.0.113.7", AT,
        URI.create("https://phosor.example.com/#/incidents/42"), Map.of("count", 12));
  }

  /** The resolve of {@link #incident()}. */
  static Notice resolved() {
    Notice n = incident();
    return new Notice(n.dedupKey(), true, n.title(), n.severity(), "resolved by alice", n.incidentId(), n.alertId(),
        n.ruleId(), n.tags(), n.entityType(), n.entityValue(), n.at(), n.link(), Map.of());
  }

  /** A notice whose text tries to mention everyone, make links and add lines. */
  static Notice hostile() {
    return new Notice("phosor-incident-43", false, "<!channel> & <http://evil.example|click> [x](http://evil.example)",
        Severity.CRITICAL, "*bold* <@U123> & more\r\nBcc: victim@example.com", 43L, null, "rule<1>",
        List.of("a&b"), "user", "bob\r\nX-Injected: yes", AT, null, Map.of());
  }

  /** The response settings as ConfigLoader reads them from these environment variables. */
  static ResponseConfig config(String... envPairs) {
    Map<String, String> env = new HashMap<>();
    env.put("PHOSOR_RESPONSE_TIMEOUT_SECONDS", "5");
    for (int i = 0; i < envPairs.length; i += 2) {
      env.put(envPairs[i], envPairs[i + 1]);
    }
    return ConfigLoader.load(null, env).response();
  }
}
