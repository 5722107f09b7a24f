package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Ingest tokens: only hashes are stored, revoked tokens stop authenticating. */
abstract class IngestTokensContract extends StoreContract {
  static final String TOKEN = "phx_9f8e7d6c5b4a39281706f5e4d3c2b1a0";

  @Test
  void aTokenIsFoundByItsHashAndOnlyTheHashIsStored() throws SQLException {
    IngestToken created = store.ingestTokens().create("edge-firewall", IngestTokens.hash(TOKEN), "alice");

    assertThat(created).isEqualTo(new IngestToken("edge-firewall", "alice", T0, null, false, null));
    assertThat(store.ingestTokens().findByHash(IngestTokens.hash(TOKEN))).contains(created);
    assertThat(store.ingestTokens().findByHash(IngestTokens.hash(TOKEN + "x"))).isEmpty();
    try (Connection c = database.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM ingest_tokens")) {
      assertThat(rs.next()).isTrue();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        assertThat(String.valueOf(rs.getObject(i))).doesNotContain(TOKEN);
      }
      assertThat(rs.getString("token_hash")).isEqualTo(IngestTokens.hash(TOKEN)).hasSize(64);
    }
  }

  @Test
  void theHashIsTheHexSha256OfTheToken() {
    assertThat(IngestTokens.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void aTokenPassedInsteadOfItsHashIsRefused() {
    assertThatThrownBy(() -> store.ingestTokens().create("t", TOKEN, "alice"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("by its SHA-256").hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> store.ingestTokens().findByHash(TOKEN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDuplicateNameOrTokenIsAConflict() {
    store.ingestTokens().create("t", IngestTokens.hash(TOKEN), "alice");
    assertThatThrownBy(() -> store.ingestTokens().create("t", IngestTokens.hash("other"), "alice"))
        .isInstanceOf(StoreConflictException.class).hasMessageStartingWith("an ingest token named t");
    assertThatThrownBy(() -> store.ingestTokens().create("u", IngestTokens.hash(TOKEN), "alice"))
        .isInstanceOf(StoreConflictException.class);
    assertThat(store.ingestTokens().list()).extracting(IngestToken::name).containsExactly("t");
  }

  @Test
  void aRevokedTokenIsListedButNoLongerFound() {
    store.ingestTokens().create("b", IngestTokens.hash(TOKEN), "alice");
    store.ingestTokens().create("a", IngestTokens.hash("another"), "alice");
    clock.advance(Duration.ofHours(1));

    IngestToken revoked = store.ingestTokens().revoke("b");
    clock.advance(Duration.ofHours(1));

    assertThat(revoked.revoked()).isTrue();
    assertThat(revoked.revokedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(store.ingestTokens().revoke("b")).as("revoking twice changes nothing").isEqualTo(revoked);
    assertThat(store.ingestTokens().findByHash(IngestTokens.hash(TOKEN))).isEmpty();
    assertThat(store.ingestTokens().list()).extracting(IngestToken::name, IngestToken::revoked)
        .containsExactly(tuple("a", false), tuple("b", true));
    assertThatThrownBy(() -> store.ingestTokens().revoke("nope"))
        .isInstanceOf(StoreNotFoundException.class).hasMessage("ingest token nope does not exist");
  }

  @Test
  void lastUseIsKeptToTheMinute() {
    String hash = IngestTokens.hash(TOKEN);
    store.ingestTokens().create("t", hash, "alice");

    store.ingestTokens().markUsed(hash);
    assertThat(store.ingestTokens().findByHash(hash).orElseThrow().lastUsedAt()).isEqualTo(T0);
    clock.advance(Duration.ofSeconds(59));
    store.ingestTokens().markUsed(hash);
    assertThat(store.ingestTokens().findByHash(hash).orElseThrow().lastUsedAt()).isEqualTo(T0);
    clock.advance(Duration.ofSeconds(1));
    store.ingestTokens().markUsed(hash);
    assertThat(store.ingestTokens().findByHash(hash).orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(60));
    store.ingestTokens().markUsed(IngestTokens.hash("unknown"));
  }
}
