package io.phosor.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh, empty database for one test: a SQLite file in the test's temp directory, or a new PostgreSQL
 * schema with a random name (dropped with everything in it on close), so runs never interfere.
 */
abstract class TestDatabase implements AutoCloseable {
  /** Environment variable naming the PostgreSQL database the PostgreSQL tests use. */
  static final String POSTGRES_ENV = "PHOSOR_TEST_DATABASE_URL";

  /** Settings for a store on this database. */
  abstract StoreSettings settings();

  /** A plain JDBC connection into the same database (and schema), for tampering and peeking. */
  abstract Connection connect() throws SQLException;

  /** Runs statements through {@link #connect()}. */
  void execute(String... sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @Override
  public void close() {}

  static TestDatabase sqlite(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestDatabase() {
      @Override
      StoreSettings settings() {
        return StoreSettings.sqlite(dir);
      }

      @Override
      Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(DatabaseUrl.DEFAULT_SQLITE_FILE));
      }
    };
  }

  /** The PostgreSQL URL to test against, or null when the variable is not set. */
  static String postgresUrl() {
    String url = System.getenv(POSTGRES_ENV);
    return url == null || url.isBlank() ? null : url.strip();
  }

  /** A new, empty schema {@code phosor_test_<random>} in the database {@link #postgresUrl()} names. */
  static TestDatabase postgres() {
    return postgres(randomSchema(), true);
  }

  static String randomSchema() {
    byte[] b = new byte[6];
    ThreadLocalRandom.current().nextBytes(b);
    return "phosor_test_" + HexFormat.of().formatHex(b);
  }

  /** A PostgreSQL test database using {@code schema}, created now when {@code create}; dropped on close. */
  static TestDatabase postgres(String schema, boolean create) {
    String url = postgresUrl();
    DatabaseUrl parsed = DatabaseUrl.parse(url, null);
    TestDatabase db = new TestDatabase() {
      @Override
      StoreSettings settings() {
        return StoreSettings.of(url, null).withSchema(schema);
      }

      @Override
      Connection connect() throws SQLException {
        Properties p = new Properties();
        if (parsed.user() != null) {
          p.setProperty("user", parsed.user());
        }
        if (parsed.password() != null) {
          p.setProperty("password", parsed.password());
        }
        p.setProperty("currentSchema", schema);
        return DriverManager.getConnection(parsed.jdbcUrl(), p);
      }

      @Override
      public void close() {
        try {
          execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
          throw new IllegalStateException("cannot drop test schema " + schema + ": " + e.getMessage(), e);
        }
      }
    };
    if (create) {
      try {
        db.execute("CREATE SCHEMA " + schema);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create test schema " + schema + " in " + parsed.display() + ": "
            + e.getMessage(), e);
      }
    }
    return db;
  }

  /** Host and port of the PostgreSQL server the test URL names (its first host). */
  static URI postgresServer() {
    DatabaseUrl parsed = DatabaseUrl.parse(postgresUrl(), null);
    String rest = parsed.jdbcUrl().substring("jdbc:postgresql:".length());
    return URI.create("postgresql:" + rest.split(",")[0].split("\\?")[0]);
  }
}
