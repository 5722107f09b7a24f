package io.phosor.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.testkit.ManualClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AbuseIPDB and OTX against local servers that check the exact request and answer in each service's documented
 * format; the one-hour cache, the per-minute budget, and that private addresses never leave.
 */
class ReputationsTest {
  static final String ABUSE_KEY = "abuse-key-0123456789abcdef";
  static final String OTX_KEY = "otx-key-fedcba9876543210";

  /** AbuseIPDB APIv2 CHECK answer, as in https://docs.abuseipdb.com/#check-endpoint. */
  static final String ABUSE_ANSWER = """
      {
        "data": {
          "ipAddress": "185.220.101.47",
          "isPublic": true,
          "ipVersion": 4,
          "isWhitelisted": false,
          "abuseConfidenceScore": 100,
          "countryCode": "DE",
          "usageType": "Data Center/Web Hosting/Transit",
          "isp": "Zwiebelfreunde e.V.",
          "domain": "zwiebelfreunde.de",
          "hostnames": [],
          "isTor": true,
          "totalReports": 4123,
          "numDistinctUsers": 512,
          "lastReportedAt": "2026-05-31T23:12:09+00:00"
        }
      }
      """;

  /** OTX /api/v1/indicators/IPv4/{ip}/general answer (abridged as the API returns it). */
  static final String OTX_ANSWER = """
      {
        "whois": "http://whois.domaintools.com/185.220.101.47",
        "reputation": 0,
        "indicator": "185.220.101.47",
        "type": "IPv4",
        "type_title": "IPv4",
        "base_indicator": {"id": 3925104382, "indicator": "185.220.101.47", "type": "IPv4", "title": "", "description": "", "content": "", "access_type": "public", "access_reason": ""},
        "pulse_info": {
          "count": 2,
          "pulses": [
            {"id": "6650c0f2c5a3c3b1e4d3a9f0", "name": "Tor exit nodes", "description": "", "modified": "2026-05-30T10:00:00.000", "created": "2024-05-24T15:00:00.000", "tags": ["tor"], "references": [], "public": 1, "adversary": "", "targeted_countries": [], "malware_families": [], "attack_ids": [], "industries": [], "TLP": "white", "author": {"username": "someone"}},
            {"id": "6650c0f2c5a3c3b1e4d3a9f1", "name": "SSH brute force sources", "description": "", "modified": "2026-05-29T10:00:00.000", "created": "2025-01-01T00:00:00.000", "tags": ["ssh", "bruteforce"], "references": [], "public": 1, "adversary": "", "targeted_countries": [], "malware_families": [], "attack_ids": [], "industries": [], "TLP": "white", "author": {"username": "other"}}
          ],
          "references": [],
          "related": {"alienvault": {"adversary": [], "malware_families": [], "industries": []}, "other": {"adversary": [], "malware_families": [], "industries": []}}
        },
        "false_positive": [],
        "validation": [],
        "asn": "AS60729 zwiebelfreunde e.v.",
        "city_data": true,
        "city": null,
        "region": null,
        "continent_code": "EU",
        "country_code3": "DEU",
        "country_code2": "DE",
        "subdivision": null,
        "latitude": 51.2993,
        "postal_code": null,
        "longitude": 9.491,
        "accuracy_radius": 1000,
        "country_code": "DE",
        "country_name": "Germany",
        "dma_code": 0,
        "charset": 0,
        "area_code": 0,
        "flag_url": "/assets/images/flags/de.png",
        "flag_title": "Germany",
        "sections": ["general", "geo", "reputation", "url_list", "passive_dns", "malware", "nids_list", "http_scans"]
      }
      """;

  record Seen(String method, String path, String query, String key, String otxKey, String accept) {}

  HttpServer server;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  volatile int abuseStatus = 200;
  final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T00:00:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
          ex.getRequestHeaders().getFirst("Key"), ex.getRequestHeaders().getFirst("X-OTX-API-KEY"),
          ex.getRequestHeaders().getFirst("Accept")));
      String path = ex.getRequestURI().getPath();
      int status = 404;
      String body = "{\"detail\": \"not found\"}";
      if (path.equals("/api/v2/check")) {
        status = abuseStatus;
        body = status == 200 ? ABUSE_ANSWER : "{\"errors\":[{\"detail\":\"Daily rate limit of 1000 requests exceeded "
            + "for this endpoint.\",\"status\":429}]}";
        if (status == 429) {
          ex.getResponseHeaders().add("Retry-After", "120");
        }
      } else if (path.startsWith("/api/v1/indicators/")) {
        status = 200;
        body = OTX_ANSWER;
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    http.close();
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  Reputations reputations(int perMinute) {
    return new Reputations(() -> IndicatorIndex.EMPTY, new AbuseIpDb(base(), ABUSE_KEY, http, Duration.ofSeconds(5)),
        new Otx(base(), OTX_KEY, http, Duration.ofSeconds(5)), new LookupBudget(perMinute, clock), registry, clock);
  }

  @Test
  void abuseIpDbIsAskedExactlyAsDocumentedAndItsAnswerIsKept() {
    Reputation r = reputations(30).lookup("185.220.101.47");

    assertThat(seen).filteredOn(s -> s.path().equals("/api/v2/check")).singleElement().satisfies(s -> {
      assertThat(s.method()).isEqualTo("GET");
      assertThat(s.query()).isEqualTo("ipAddress=185.220.101.47&maxAgeInDays=90");
      assertThat(s.key()).isEqualTo(ABUSE_KEY);
      assertThat(s.accept()).isEqualTo("application/json");
      assertThat(s.otxKey()).as("each service gets only its own key").isNull();
    });
    assertThat(r.abuseIpDb().status()).isEqualTo("ok");
    assertThat(r.abuseIpDb().data()).containsEntry("abuse_confidence_score", 100).containsEntry("total_reports", 4123L)
        .containsEntry("country_code", "DE").containsEntry("isp", "Zwiebelfreunde e.V.")
        .containsEntry("usage_type", "Data Center/Web Hosting/Transit").containsEntry("is_whitelisted", false)
        .containsEntry("last_reported_at", "2026-05-31T23:12:09+00:00");
    assertThat(r.abuseConfidenceScore()).isEqualTo(100);
  }

  @Test
  void otxIsAskedExactlyAsDocumentedForIpv4AndIpv6() {
    Reputations reps = reputations(30);
    Reputation r = reps.lookup("185.220.101.47");
    reps.lookup("2a0b:f4c2:0000::0010");

    assertThat(seen).filteredOn(s -> s.path().startsWith("/api/v1/")).extracting(Seen::path)
        .containsExactly("/api/v1/indicators/IPv4/185.220.101.47/general",
            "/api/v1/indicators/IPv6/2a0b:f4c2::10/general");
    assertThat(seen).filteredOn(s -> s.path().startsWith("/api/v1/")).allSatisfy(s -> {
      assertThat(s.otxKey()).isEqualTo(OTX_KEY);
      assertThat(s.key()).isNull();
      assertThat(s.query()).isNull();
    });
    assertThat(r.otx().data()).containsEntry("pulse_count", 2)
        .containsEntry("pulses", List.of("Tor exit nodes", "SSH brute force sources")).containsEntry("reputation", 0)
        .containsEntry("country_name", "Germany").containsEntry("asn", "AS60729 zwiebelfreunde e.v.");
  }

  @Test
  void aSecondLookUpWithinTheHourMakesNoRequestAndOneAfterTheHourDoes() {
    Reputations reps = reputations(30);
    reps.lookup("185.220.101.47");
    assertThat(seen).hasSize(2);

    clock.advance(Duration.ofMinutes(59));
    Reputation again = reps.lookup("185.220.101.47");
    assertThat(seen).as("served from the cache").hasSize(2);
    assertThat(again.abuseIpDb().cached()).isTrue();
    assertThat(again.abuseIpDb().checkedAt()).isEqualTo(Instant.parse("2026-06-01T00:00:00Z"));

    clock.advance(Duration.ofMinutes(1));
    Reputation fresh = reps.lookup("185.220.101.47");
    assertThat(seen).as("the hour has passed").hasSize(4);
    assertThat(fresh.abuseIpDb().cached()).isFalse();
  }

  @Test
  void noMoreThanTheBudgetOfLookUpsGoesOutPerMinuteAcrossServices() {
    Reputations reps = reputations(3);
    Reputation first = reps.lookup("185.220.101.1"); // 2 look-ups
    Reputation second = reps.lookup("185.220.101.2"); // 1 left: AbuseIPDB gets it, OTX is refused

    assertThat(first.abuseIpDb().ok()).isTrue();
    assertThat(second.abuseIpDb().ok()).isTrue();
    assertThat(second.otx().status()).isEqualTo("rate_limited");
    assertThat(second.otx().toJson().get("message").toString()).contains("rate limited").contains("3 remote look-ups");
    assertThat(seen).hasSize(3);
    assertThat(registry.get("phosor_intel_lookups").tag("service", "otx").tag("outcome", "rate_limited").counter()
        .count()).isEqualTo(1.0);

    clock.advance(Duration.ofSeconds(59));
    assertThat(reps.lookup("185.220.101.3").abuseIpDb().status()).isEqualTo("rate_limited");
    assertThat(seen).hasSize(3);

    clock.advance(Duration.ofSeconds(1));
    Reputation later = reps.lookup("185.220.101.2");
    assertThat(later.abuseIpDb().cached()).isTrue();
    assertThat(later.otx().ok()).as("a rate-limited answer is not cached: asked once the minute has passed").isTrue();
    assertThat(seen).hasSize(4);
  }

  @Test
  void privateAndReservedAddressesAreNeverSent() {
    Reputations reps = reputations(100);
    for (String ip : List.of("10.1.2.3", "192.168.0.1", "172.16.5.4", "127.0.0.1", "169.254.1.1", "100.64.0.1",
        "192.0.2.1", "198.51.100.1", "203.0.113.1", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd00::1",
        "2001:db8::1", "::ffff:10.0.0.1", "ff02::1")) {
      Reputation r = reps.lookup(ip);
      assertThat(r.abuseIpDb().status()).as(ip).isEqualTo("not_sent");
      assertThat(r.otx().status()).as(ip).isEqualTo("not_sent");
    }
    assertThat(seen).isEmpty();
  }

  @Test
  void aServiceSaying429IsPausedForItsRetryAfterAndFailuresAreCachedBriefly() {
    abuseStatus = 429;
    Reputations reps = reputations(100);
    Reputation r = reps.lookup("185.220.101.47");
    assertThat(r.abuseIpDb().status()).isEqualTo("rate_limited");
    assertThat(r.abuseIpDb().message()).contains("429");
    assertThat(reps.lookup("185.220.101.48").abuseIpDb().message()).contains("asked to wait until 2026-06-01T00:02:00Z");
    assertThat(seen).filteredOn(s -> s.path().equals("/api/v2/check")).hasSize(1);

    abuseStatus = 500;
    clock.advance(Duration.ofMinutes(2));
    assertThat(reps.lookup("185.220.101.49").abuseIpDb().status()).isEqualTo("error");
    assertThat(reps.lookup("185.220.101.49").abuseIpDb().message()).contains("abuseipdb answered HTTP 500");
    assertThat(seen).filteredOn(s -> s.path().equals("/api/v2/check")).as("the failure is cached").hasSize(2);
    clock.advance(Duration.ofMinutes(1));
    abuseStatus = 200;
    assertThat(reps.lookup("185.220.101.49").abuseIpDb().ok()).as("and retried a minute later").isTrue();
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeGivesAnErrorNotAHang() throws Exception {
    HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slow.createContext("/", ex -> {
      try {
        Thread.sleep(3000); // the stand-in for a hanging service
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
    });
    slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    slow.start();
    try {
      AbuseIpDb abuse = new AbuseIpDb(URI.create("http://127.0.0.1:" + slow.getAddress().getPort()), ABUSE_KEY, http,
          Duration.ofMillis(300));
      Reputations reps = new Reputations(() -> IndicatorIndex.EMPTY, abuse, null, new LookupBudget(10, clock), registry,
          clock);
      long start = System.nanoTime();
      Reputation r = reps.lookup("185.220.101.47");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(r.abuseIpDb().status()).isEqualTo("error");
      assertThat(r.abuseIpDb().message()).contains("did not answer within").doesNotContain(ABUSE_KEY);
      assertThat(r.otx()).as("no OTX key: not asked").isNull();
    } finally {
      slow.stop(0);
    }
  }

  @Test
  void theKeysNeverAppearInAnswers() {
    abuseStatus = 401;
    Reputation r = reputations(10).lookup("185.220.101.47");
    assertThat(r.toJson().toString()).doesNotContain(ABUSE_KEY).doesNotContain(OTX_KEY);
    assertThat(r.abuseIpDb().message()).startsWith("abuseipdb answered HTTP 401");
  }
}
