package io.phosor.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.phosor.api.HttpApi;
import io.phosor.audit.Audit;
import io.phosor.auth.AccessTokens;
import io.phosor.auth.Accounts;
import io.phosor.auth.Authenticator;
import io.phosor.auth.PasswordHasher;
import io.phosor.auth.Principal;
import io.phosor.auth.Role;
import io.phosor.auth.TokenAuth;
import io.phosor.event.Event;
import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import io.phosor.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed on a real Javalin server on port 0 with the real authenticator (accounts in a SQLite file), Java's
 * WebSocket client, and a raw socket that never reads.
 */
class LiveFeedTest {
  private static final String API_TOKEN = "live-test-api-token-0123456789";
  private static final String INGEST_TOKEN = "live-test-ingest-token-0123456789";
  private static final LiveSettings DEFAULTS = new LiveSettings(8, 64, 3, Duration.ofSeconds(5),
      Duration.ofSeconds(10), 1_000_000, Duration.ofHours(1));

  private record Entry(String actor, String role, String action, String target, String outcome,
      Map<String, Object> detail) {}

  @TempDir
  Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Entry> audited = new CopyOnWriteArrayList<>();
  private final Audit audit = (actor, role, address, action, target, outcome, detail) ->
      audited.add(new Entry(actor, role, action, target, outcome, detail));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> open = new ArrayList<>();
  private Store store;
  private Accounts accounts;
  private HttpApi http;
  private LiveFeed feed;
  private int port;

  private void start(LiveSettings settings) {
    ObjectMapper mapper = new ObjectMapper();
    store = Store.open(StoreSettings.of(null, dir), clock);
    AccessTokens tokens = new AccessTokens(new byte[32], Duration.ofMinutes(15), clock);
    accounts = new Accounts(store.users(), new PasswordHasher(), tokens, audit, clock);
    Authenticator auth = new Authenticator(new TokenAuth(List.of(INGEST_TOKEN), API_TOKEN), tokens, accounts, audit);
    http = new HttpApi(auth, audit, 1 << 20, mapper);
    feed = new LiveFeed(settings, auth, audit, mapper, () -> Map.of("total_events", 42), registry, clock);
    feed.register(http.app());
    feed.start();
    port = http.start("127.0.0.1", 0);
  }

  private FeedClient client() throws Exception {
    FeedClient c = FeedClient.connect(port, API_TOKEN);
    open.add(c);
    await().until(() -> !c.ofType("hello").isEmpty());
    return c;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    if (feed != null) {
      feed.close();
    }
    if (http != null) {
      http.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aClientOfferingPhosorAndTheApiTokenIsGreetedAndGetsPhosorBack() throws Exception {
    start(DEFAULTS);
    FeedClient c = client();
    assertThat(c.subprotocol()).isEqualTo("phosor");
    JsonNode hello = c.ofType("hello").get(0);
    assertThat(hello.get("topics")).extracting(JsonNode::asText).containsExactly("alert", "incident", "stats", "event", "alert_enriched");
    assertThat(hello.get("events_per_second").asInt()).isEqualTo(3);
    assertThat(feed.clientCount()).isEqualTo(1);
  }

  @Test
  void theTokenMayComeAsAQueryParameter() throws Exception {
    start(DEFAULTS);
    try (FeedClient c = FeedClient.connectWithQueryToken(port, API_TOKEN)) {
      await().until(() -> !c.ofType("hello").isEmpty());
      assertThat(c.subprotocol()).isEmpty();
    }
  }

  @Test
  void theTokenMayComeAsABearerHeader() throws Exception {
    start(DEFAULTS);
    try (FeedClient c = FeedClient.connectWithBearer(port, API_TOKEN)) {
      await().until(() -> !c.ofType("hello").isEmpty());
    }
  }

  @Test
  void anIdleClientIsPingedAndAnOversizedClientMessageClosesTheConnection() throws Exception {
    // stats would count as traffic: make them rare
    start(new LiveSettings(8, 64, 3, Duration.ofHours(1), Duration.ofSeconds(10), 1_000_000, Duration.ofSeconds(30)));
    FeedClient c = client();
    clock.advance(Duration.ofSeconds(31));
    await().until(() -> c.pings() >= 1);
    c.send("{\"subscribe\": [\"" + "a".repeat(LiveFeed.MAX_CLIENT_MESSAGE_CHARS) + "\"]}");
    await().until(() -> c.closeCode() == 1009);
    await().until(() -> feed.clientCount() == 0);
  }

  @Test
  void clientsAreToldWhenTheServerGoesAway() throws Exception {
    start(DEFAULTS);
    FeedClient c = client();
    feed.close();
    await().until(() -> c.closeCode() == 1001);
    assertThat(feed.clientCount()).isZero();
  }

  @Test
  void noTokenABadTokenAndAnIngestTokenAreRefusedBeforeTheUpgradeAndAudited() throws Exception {
    start(DEFAULTS);
    assertThat(FeedClient.refusal(port, "", List.of())).isEqualTo(401);
    assertThat(FeedClient.refusal(port, "", List.of("phosor"))).isEqualTo(401);
    assertThat(FeedClient.refusal(port, "", List.of("phosor", "not-the-token-at-all-0123"))).isEqualTo(401);
    assertThat(FeedClient.refusal(port, "?token=not-the-token-at-all-0123", List.of())).isEqualTo(401);
    assertThat(FeedClient.refusal(port, "", List.of("phosor", INGEST_TOKEN))).isEqualTo(403);
    assertThat(FeedClient.refusal(port, "", List.of("chat", API_TOKEN))).isEqualTo(400);
    assertThat(feed.clientCount()).isZero();

    assertThat(audited).extracting(Entry::action, Entry::target, Entry::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple("token.rejected", "GET /ws/events", "denied"),
        org.assertj.core.groups.Tuple.tuple("token.rejected", "GET /ws/events", "denied"),
        org.assertj.core.groups.Tuple.tuple("access.denied", "GET /ws/events", "denied"));
    assertThat(audited.get(2).actor()).isEqualTo("ingest-token:" + TokenAuth.fingerprint(INGEST_TOKEN));
    assertThat(audited.toString()).doesNotContain("not-the-token-at-all-0123").doesNotContain(INGEST_TOKEN);
    assertThat(registry.get("phosor_ws_refused").tag("reason", "unauthorized").counter().count()).isEqualTo(4);
  }

  @Test
  void aViewerReadsTheFeedUntilTheAccountIsDisabled() throws Exception {
    start(DEFAULTS);
    Principal by = new Principal("tester", Role.ADMIN, Principal.Kind.API_TOKEN);
    accounts.create("vera", "vera-password-0123456789", Role.VIEWER, by, "127.0.0.1");
    String jwt = accounts.login("vera", "vera-password-0123456789", "127.0.0.1").token();
    FeedClient c = FeedClient.connect(port, jwt);
    open.add(c);
    await().until(() -> !c.ofType("hello").isEmpty());
    assertThat(feed.clients()).extracting(m -> m.get("actor")).containsExactly("vera");

    accounts.update("vera", null, true, by, "127.0.0.1");
    clock.advance(LiveFeed.RECHECK_EVERY.plus(Accounts.USER_CACHE_TTL));
    await().until(() -> c.closeCode() == 1008);
    assertThat(c.closeReason()).startsWith("token no longer valid");
    await().until(() -> feed.clientCount() == 0);
  }

  @Test
  void clientsGetOnlyTheTopicsTheySubscribedTo() throws Exception {
    start(DEFAULTS);
    FeedClient c = client();
    c.send("{\"subscribe\": [\"incident\"]}");
    await().until(() -> !c.ofType("subscribed").isEmpty());
    assertThat(c.ofType("subscribed").get(0).get("topics")).extracting(JsonNode::asText).containsExactly("incident");

    feed.publish("alert", Map.of("id", 1));
    feed.publish("stats", Map.of("total_events", 1));
    feed.publish("incident", Map.of("id", 7, "status", "open"));
    await().until(() -> !c.ofType("incident").isEmpty());
    // one sender, in order: had the alert or the stats been sent, they would have come first
    assertThat(c.ofType("alert")).isEmpty();
    assertThat(c.ofType("stats")).isEmpty();
    assertThat(c.ofType("incident").get(0).get("data").get("id").asInt()).isEqualTo(7);
  }

  @Test
  void aSubscriptionThatIsNotUnderstoodIsAnsweredWithAnError() throws Exception {
    start(DEFAULTS);
    FeedClient c = client();
    c.send("{\"subscribe\": [\"alert\", \"nope\"]}");
    c.send("hello");
    await().until(() -> c.ofType("error").size() == 2);
    assertThat(c.ofType("error").get(0).get("message").asText()).contains("unknown topic \"nope\"")
        .contains("alert, incident, stats, event, alert_enriched");
    assertThat(c.ofType("error").get(1).get("message").asText()).contains("{\"subscribe\"");
    assertThat(c.closeCode()).isEqualTo(-1);
  }

  @Test
  void closeReasonsFitInAControlFrame() {
    assertThat(LiveFeed.trimReason("too slow")).isEqualTo("too slow");
    assertThat(LiveFeed.trimReason("é".repeat(100)).getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(122);
  }

  @Test
  void publishingAnUnknownTypeIsRefused() {
    start(DEFAULTS);
    assertThatThrownBy(() -> feed.publish("incidents", Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown live feed message type 'incidents'");
  }

  @Test
  void statsAreSentEachTimeTheIntervalPasses() throws Exception {
    start(DEFAULTS);
    FeedClient c = client();
    clock.advance(Duration.ofSeconds(5));
    await().until(() -> c.ofType("stats").size() == 1);
    assertThat(c.ofType("stats").get(0).get("data").get("total_events").asInt()).isEqualTo(42);
    clock.advance(Duration.ofSeconds(5));
    await().until(() -> c.ofType("stats").size() == 2);
  }

  @Test
  void sampledEventsCarryTheirFieldsAndHowManyWerePassedOver() throws Exception {
    start(DEFAULTS);
    FeedClient c = client();
    List<Event> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Event e = new Event("webhook:test", "192.0.2.1", clock.instant(), "line " + i);
      e.seq(i + 1);
      e.put("message", "line " + i);
      e.put("user.name", "alice");
      batch.add(e);
    }
    feed.accept(batch);
    clock.advance(Duration.ofSeconds(1));
    feed.accept(batch.subList(0, 1));
    await().until(() -> c.ofType("event").size() == 4);
    List<JsonNode> events = c.ofType("event");
    assertThat(events).extracting(m -> m.get("data").get("event.id").asLong()).containsExactly(1L, 2L, 3L, 1L);
    assertThat(events).extracting(m -> m.get("skipped").asLong()).containsExactly(0L, 0L, 0L, 97L);
    JsonNode first = events.get(0).get("data");
    assertThat(first.get("message").asText()).isEqualTo("line 0");
    assertThat(first.get("user.name").asText()).isEqualTo("alice");
    assertThat(first.get("log.source.address").asText()).isEqualTo("192.0.2.1");
    assertThat(first.get("@timestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void theNumberOfClientsIsBounded() throws Exception {
    start(new LiveSettings(2, 64, 3, Duration.ofSeconds(5), Duration.ofSeconds(10), 1_000_000, Duration.ofHours(1)));
    FeedClient first = client();
    client();
    assertThat(FeedClient.refusal(port, "", List.of("phosor", API_TOKEN))).isEqualTo(503);
    assertThat(registry.get("phosor_ws_refused").tag("reason", "too_many_clients").counter().count()).isEqualTo(1);
    first.close();
    await().until(() -> feed.clientCount() == 1);
    client();
    assertThat(feed.clientCount()).isEqualTo(2);
  }

  @Test
  void aClientThatStopsReadingNeverHoldsUpPublishingLosesItsOldestMessagesAndIsDisconnected() throws Exception {
    start(DEFAULTS);
    FeedClient healthy = client();
    StuckClient stuck = StuckClient.connect(port, API_TOKEN);
    open.add(stuck);
    await().until(() -> feed.clientCount() == 2);
    String blob = "x".repeat(8192);

    // ~24 MB for each client: far more than the stuck client's socket buffers and its 64 messages hold
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      for (int i = 0; i < 3000; i++) {
        feed.publish("incident", Map.of("n", i, "blob", blob));
      }
    }, "publishing waited for a client");

    await().until(() -> healthy.ofType("incident").stream().anyMatch(m -> m.get("data").get("n").asInt() == 2999));
    Map<String, Object> stuckFigures = feed.clients().stream()
        .filter(m -> (Long) m.get("dropped") > 0 && (Boolean) m.get("behind")).findFirst().orElseThrow();
    long stuckDropped = (Long) stuckFigures.get("dropped");
    assertThat(stuckDropped).isGreaterThan(1000);
    assertThat((Integer) stuckFigures.get("buffered")).isLessThanOrEqualTo(64);
    assertThat(registry.get("phosor_ws_dropped").counter().count()).isGreaterThanOrEqualTo(stuckDropped);

    // the healthy client has caught up; the stuck one stays behind past the lag limit and is disconnected
    await().until(() -> feed.clients().stream().filter(m -> !(Boolean) m.get("behind")).count() == 1);
    clock.advance(Duration.ofSeconds(11));
    await().until(() -> feed.clientCount() == 1);
    assertThat(registry.get("phosor_ws_slow_disconnects").counter().count()).isEqualTo(1);
    assertThat(stuck.drainUntilClosed(Duration.ofSeconds(20))).as("the stuck client's connection is closed").isTrue();

    feed.publish("incident", Map.of("n", "after"));
    await().until(() -> healthy.ofType("incident").stream().anyMatch(m -> m.get("data").get("n").asText().equals("after")));
    assertThat(healthy.closeCode()).isEqualTo(-1);
  }
}
