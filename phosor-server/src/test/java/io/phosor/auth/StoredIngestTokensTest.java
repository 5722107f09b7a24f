package io.phosor.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import io.phosor.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stored ingest tokens over a real store: shape, hashing, revocation across two nodes sharing the store. */
class StoredIngestTokensTest {
  @TempDir
  Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private Store store;

  @BeforeEach
  void open() {
    store = Store.open(StoreSettings.of(null, dir), clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void onlyTokensOfTheGeneratedShapeAreLookedUp() {
    assertThat(StoredIngestTokens.looksGenerated("phi_" + "a".repeat(43))).isTrue();
    assertThat(StoredIngestTokens.looksGenerated("phi_" + "a".repeat(42))).isFalse();
    assertThat(StoredIngestTokens.looksGenerated("phi_" + "a".repeat(42) + "=")).isFalse();
    assertThat(StoredIngestTokens.looksGenerated("eyJhbGciOiJIUzI1NiJ9.e30.abc")).isFalse();
    assertThat(StoredIngestTokens.looksGenerated("xyz_" + "a".repeat(43))).isFalse();
  }

  @Test
  void aCreatedTokenAuthenticatesAsAnIngestTokenAndOnlyItsHashIsStored() {
    StoredIngestTokens tokens = new StoredIngestTokens(store.ingestTokens(), clock);
    StoredIngestTokens.Created c = tokens.create("edge-1", "admin");
    TokenAuth auth = new TokenAuth(List.of(), "api-token-0123456789abcdef", tokens);
    Principal p = auth.principal(c.token());
    assertThat(p).isNotNull();
    assertThat(p.role()).isEqualTo(Role.INGEST);
    assertThat(p.kind()).isEqualTo(Principal.Kind.INGEST_TOKEN);
    assertThat(p.name()).isEqualTo("ingest-token:edge-1");
    assertThat(store.ingestTokens().findByHash(io.phosor.store.IngestTokens.hash(c.token()))).isPresent();
    assertThat(auth.principal(c.token().replace('_', '-'))).isNull();
    assertThat(tokens.create("edge-2", "admin").token()).isNotEqualTo(c.token());
  }

  @Test
  void aRevocationStopsTheTokenAtOnceHereAndWithinTheCacheTimeOnAnotherNode() {
    StoredIngestTokens nodeA = new StoredIngestTokens(store.ingestTokens(), clock);
    StoredIngestTokens nodeB = new StoredIngestTokens(store.ingestTokens(), clock);
    String token = nodeA.create("edge-1", "admin").token();
    TokenAuth a = new TokenAuth(List.of(), "api-token-0123456789abcdef", nodeA);
    TokenAuth b = new TokenAuth(List.of(), "api-token-0123456789abcdef", nodeB);
    assertThat(a.principal(token)).isNotNull();
    assertThat(b.principal(token)).isNotNull();

    nodeA.revoke("edge-1");
    assertThat(a.principal(token)).isNull();
    assertThat(b.principal(token)).isNotNull(); // cached on the other node
    clock.advance(StoredIngestTokens.CACHE_TTL.plus(Duration.ofMillis(1)));
    assertThat(b.principal(token)).isNull();
  }
}
