package io.phosor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Database URLs in every accepted form, what is refused, and that no password ever shows. */
class StoreSettingsTest {
  static final Path DATA = Path.of("/var/lib/phosor");

  static DatabaseUrl parse(String url) {
    return DatabaseUrl.parse(url, DATA);
  }

  @Test
  void noUrlMeansPhosorDbInTheDataDirectory() {
    for (String url : new String[] {null, "", "   "}) {
      DatabaseUrl u = parse(url);
      assertThat(u.dialect()).isEqualTo(Dialect.SQLITE);
      assertThat(u.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/phosor/phosor.db");
      assertThat(u.display()).isEqualTo("SQLite /var/lib/phosor/phosor.db");
    }
    assertThat(StoreSettings.sqlite(DATA).effectivePoolSize()).isEqualTo(4);
  }

  @Test
  void aLibpqUrlBecomesAJdbcUrlWithDecodedUserAndPassword() {
    DatabaseUrl u = parse("postgresql://ph%40sor:p%40ss%2Fw+rd@db.example.com:6543/phosor");
    assertThat(u.dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/phosor");
    assertThat(u.user()).isEqualTo("ph@sor");
    assertThat(u.password()).isEqualTo("p@ss/w+rd");
    assertThat(u.display()).isEqualTo("PostgreSQL ph@sor@db.example.com:6543/phosor");
  }

  @Test
  void thePostgresSchemeDefaultPortQueryParametersAndSeveralHostsAreUnderstood() {
    DatabaseUrl u = parse("postgres://app:secret@db/phosor?sslmode=require&application_name=x");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db/phosor?sslmode=require&application_name=x");
    assertThat(u.display()).isEqualTo("PostgreSQL app@db:5432/phosor");

    DatabaseUrl hosts = parse("postgresql://app@10.0.0.1:5432,[2001:db8::1]:5433/phosor?target_session_attrs=read-write");
    assertThat(hosts.jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.1:5432,[2001:db8::1]:5433/phosor?"
        + "target_session_attrs=read-write");
    assertThat(hosts.display()).isEqualTo("PostgreSQL app@10.0.0.1:5432,[2001:db8::1]:5433/phosor");
    assertThat(hosts.password()).isNull();

    DatabaseUrl params = parse("postgresql://db:5432/phosor?user=app&password=s%26cret&sslmode=verify-full");
    assertThat(params.user()).isEqualTo("app");
    assertThat(params.password()).isEqualTo("s&cret");
    assertThat(params.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/phosor?sslmode=verify-full");
  }

  @Test
  void anUnencodedAtOrSlashInThePasswordStillParses() {
    DatabaseUrl u = parse("postgresql://app:p@ss/word@db:5432/phosor");
    assertThat(u.user()).isEqualTo("app");
    assertThat(u.password()).isEqualTo("p@ss/word");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/phosor");
  }

  @Test
  void aJdbcPostgresqlUrlKeepsItsFormAndLosesItsCredentialsToTheProperties() {
    DatabaseUrl u = parse("jdbc:postgresql://db:5432/phosor?user=app&password=secret&ssl=true");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/phosor?ssl=true");
    assertThat(u.user()).isEqualTo("app");
    assertThat(u.password()).isEqualTo("secret");
    assertThat(u.display()).isEqualTo("PostgreSQL app@db:5432/phosor");
    assertThat(parse("jdbc:postgresql:phosor").display()).isEqualTo("PostgreSQL localhost:5432/phosor");
  }

  @Test
  void aJdbcSqliteUrlIsUsedAsIs() {
    DatabaseUrl u = parse("jdbc:sqlite:/data/other.db");
    assertThat(u.dialect()).isEqualTo(Dialect.SQLITE);
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:sqlite:/data/other.db");
    assertThat(u.display()).isEqualTo("SQLite /data/other.db");
  }

  @Test
  void badUrlsAreRefusedWithTheProblemAndWithoutThePassword() {
    assertThatThrownBy(() -> parse("mysql://root:hunter2@db/phosor"))
        .isExactlyInstanceOf(StoreException.class)
        .hasMessage("database URL \"mysql://root:***@db/phosor\" is not supported: expected "
            + "postgresql://user:pass@host:5432/db, postgres://..., jdbc:postgresql://host:5432/db or jdbc:sqlite:<file>");
    assertThatThrownBy(() -> parse("postgresql://app:hunter2@db:5432"))
        .hasMessage("database URL \"postgresql://app:***@db:5432\" names no database: write "
            + "postgresql://user:pass@host:5432/<database>");
    assertThatThrownBy(() -> parse("postgresql://app:hunter2@db:99999/x"))
        .hasMessage("database URL \"postgresql://app:***@db:99999/x\" has a bad port 99999: must be 1-65535");
    assertThatThrownBy(() -> parse("postgresql://app:hunter2@/x")).hasMessageContaining("names no host");
    assertThatThrownBy(() -> parse("postgresql://app:hunt%zzer2@db/x"))
        .hasMessage("database URL \"postgresql://app:***@db/x\" has a bad %-escape in the password: write a '%' as %25");
    assertThatThrownBy(() -> parse("postgresql://app@db name/x")).hasMessageContaining("has a bad host \"db name\"");
    assertThatThrownBy(() -> parse("jdbc:postgresql://app:hunter2@db/x"))
        .hasMessageContaining("puts user and password before the host").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> parse("jdbc:postgresql://db/x?user=%zz&password=hunter2"))
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> parse("jdbc:sqlite::memory:")).hasMessageContaining("in-memory database");
    assertThatThrownBy(() -> parse("jdbc:sqlite:")).hasMessageContaining("names no file");
    assertThatThrownBy(() -> DatabaseUrl.parse(null, null)).hasMessageContaining("dataDir is required");
  }

  @Test
  void describeAndToStringNeverContainThePassword() {
    StoreSettings s = StoreSettings.of("postgresql://app:hunter2@db:5432/phosor?password=hunter3", null)
        .withSchema("phosor");
    assertThat(s.describe()).isEqualTo("PostgreSQL app@db:5432/phosor (schema phosor)");
    assertThat(s.toString()).doesNotContain("hunter").contains("PostgreSQL app@db:5432/phosor");
    assertThat(s.connection().toString()).doesNotContain("hunter");
    assertThat(s.effectivePoolSize()).isEqualTo(10);
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void otherSettingsAreCheckedToo() {
    assertThatThrownBy(() -> StoreSettings.sqlite(DATA).withSchema("phosor"))
        .isExactlyInstanceOf(StoreException.class)
        .hasMessage("store settings: schema \"phosor\" applies to PostgreSQL only, but the database is SQLite "
            + "/var/lib/phosor/phosor.db");
    assertThatThrownBy(() -> StoreSettings.of("postgresql://db/x", null).withSchema("Phosor; DROP TABLE x"))
        .hasMessageStartingWith("store settings: schema \"Phosor; DROP TABLE x\" must be a lower-case PostgreSQL identifier");
    assertThatThrownBy(() -> StoreSettings.sqlite(DATA).withPoolSize(-1))
        .hasMessage("store settings: poolSize must be 0 (default) to 200, was -1");
    assertThatThrownBy(() -> StoreSettings.sqlite(DATA).withConnectTimeout(Duration.ofMillis(10)))
        .hasMessage("store settings: connectTimeout must be 250 ms to 5 min, was PT0.01S");
    assertThat(StoreSettings.sqlite(DATA).withPoolSize(2).effectivePoolSize()).isEqualTo(2);
  }
}
