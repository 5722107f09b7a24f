package io.phosor.server;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The local PostgreSQL for server tests: each test gets its own schema (created here, dropped at close), named
 * in the URL's {@code currentSchema} so the server's migrations and queries stay inside it. Without
 * {@code PHOSOR_TEST_DATABASE_URL} the calling test is skipped with a visible message.
 */
final class TestDatabases implements AutoCloseable {
  /** The environment variable CI sets to the local server, e.g. postgresql://postgres@127.0.0.1:5432/test. */
  static final String ENV = "PHOSOR_TEST_DATABASE_URL";

  private final String jdbc;
  private final String user;
  private final String schema;
  private final URI base;

  private TestDatabases(URI base, String jdbc, String user, String schema) {
    this.base = base;
    this.jdbc = jdbc;
    this.user = user;
    this.schema = schema;
  }

  /** A fresh schema on the test server, or a skipped test. */
  static TestDatabases schema(String testName) throws Exception {
    String url = System.getenv(ENV);
    if (url == null || url.isBlank()) {
      System.out.println("[phosor-server] PostgreSQL test " + testName + " SKIPPED: set " + ENV
          + "=postgresql://postgres@127.0.0.1:5432/test to run it");
      Assumptions.abort(ENV + " not set");
    }
    URI u = URI.create(url.replaceFirst("^postgres(ql)?://", "http://"));
    String user = u.getUserInfo() == null ? "postgres" : u.getUserInfo().split(":", 2)[0];
    String jdbc = "jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()) + u.getPath();
    String schema = "phosor_srv_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(jdbc, user, null); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    return new TestDatabases(u, jdbc, user, schema);
  }

  /** The server's PHOSOR_DATABASE_URL for this schema, through {@code host:port} (a proxy) when given. */
  String url(String hostPort) {
    String hp = hostPort != null ? hostPort : base.getHost() + ":" + (base.getPort() < 0 ? 5432 : base.getPort());
    return "postgresql://" + user + "@" + hp + base.getPath() + "?currentSchema=" + schema;
  }

  /** The database's port. */
  int port() {
    return base.getPort() < 0 ? 5432 : base.getPort();
  }

  @Override
  public void close() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, user, null); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
