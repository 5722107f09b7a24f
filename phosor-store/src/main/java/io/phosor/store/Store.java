package io.phosor.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Phosor's relational store: opens a connection pool on SQLite or PostgreSQL, brings the schema up to
 * date, and hands out one repository per kind of record. Thread-safe; close it once at shutdown.
 *
 * <p>At run time a lost database shows as {@link StoreUnavailableException} from the repositories and
 * {@code false} from {@link #healthy()}; the pool reconnects by itself when the database is back.
 */
public final class Store implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Store.class);
  /** Long enough for another process's write transaction (the CLI, a backup) to finish. */
  static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;
  /** Bounds a query on a connection whose server went silent (no RST), so callers never hang for good. */
  static final int POSTGRESQL_SOCKET_TIMEOUT_S = 30;
  /** Flyway holds a lock connection and a migration connection at the same time. */
  private static final int MIGRATION_POOL = 2;

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final String description;
  private final String schemaVersion;
  private final Duration connectTimeout;
  private final Alerts alerts;
  private final Rules rules;
  private final Incidents incidents;
  private final Sources sources;
  private final IngestTokens ingestTokens;
  private final Users users;
  private final Actions actions;
  private final Settings settings;
  private final Baselines baselines;
  private final AuditLog audit;
  private final Blocklist blocklist;

  private Store(HikariDataSource pool, StoreSettings s, String schemaVersion, Clock clock) {
    this.pool = pool;
    this.dialect = s.dialect();
    this.description = s.describe();
    this.schemaVersion = schemaVersion;
    this.connectTimeout = s.connectTimeout();
    Db db = new Db(pool, dialect, description);
    this.alerts = new Alerts(db, clock);
    this.rules = new Rules(db, clock);
    this.incidents = new Incidents(db, clock);
    this.sources = new Sources(db, clock);
    this.ingestTokens = new IngestTokens(db, clock);
    this.users = new Users(db, clock);
    this.actions = new Actions(db, clock);
    this.settings = new Settings(db, clock);
    this.baselines = new Baselines(db, clock);
    this.audit = new AuditLog(db, clock);
    this.blocklist = new Blocklist(db, clock);
  }

  /**
   * Opens the store: connects (waiting at most the settings' connect timeout) and applies pending
   * migrations. {@code clock} stamps every created/updated time.
   *
   * @throws StoreException with one line naming the database and the cause when it cannot be reached,
   *     refuses the migration, or its schema history does not match this version of Phosor
   */
  public static Store open(StoreSettings settings, Clock clock) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(clock, "clock");
    // Flyway takes two connections at once on PostgreSQL (one holds the lock), so it gets a pool of its
    // own; the store's pool then starts on the finished schema, whatever its size.
    String version;
    try (HikariDataSource migrations = connect(settings, MIGRATION_POOL, "phosor-store-migration")) {
      version = migrate(migrations, settings);
    }
    HikariDataSource pool = connect(settings, settings.effectivePoolSize(), "phosor-store");
    LOG.info("store: {}, schema version {}", settings.describe(), version);
    return new Store(pool, settings, version, clock);
  }

  /** A pool that has made its first connection, or a StoreException saying why it could not. */
  private static HikariDataSource connect(StoreSettings settings, int size, String name) {
    try {
      return new HikariDataSource(poolConfig(settings, size, name));
    } catch (StoreException e) {
      throw e;
    } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
      throw new StoreException("database " + settings.describe() + (settings.dialect() == Dialect.SQLITE
          ? " cannot be opened: " : " is unreachable: ") + Messages.cause(e), e);
    }
  }

  private static HikariConfig poolConfig(StoreSettings s, int size, String name) {
    DatabaseUrl url = s.connection();
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(1);
    long timeout = s.connectTimeout().toMillis();
    c.setConnectionTimeout(timeout);
    // Hikari wants validation faster than the connection timeout; 250 ms is its lowest.
    c.setValidationTimeout(Math.max(250, timeout / 2));
    if (url.dialect() == Dialect.SQLITE) {
      createParentDirectory(url, s);
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      // FULL: a committed transaction survives power loss, not just a crash (NORMAL would be faster).
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(SQLITE_BUSY_TIMEOUT_MS);
      config.enforceForeignKeys(true);
      // Write transactions take the write lock at BEGIN, so a reader that starts writing never fails
      // with SQLITE_BUSY_SNAPSHOT half-way through.
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      SQLiteDataSource ds = new SQLiteDataSource(config);
      ds.setUrl(url.jdbcUrl());
      c.setDataSource(ds);
    } else {
      c.setJdbcUrl(url.jdbcUrl());
      c.setDriverClassName("org.postgresql.Driver");
      if (url.user() != null) {
        c.setUsername(url.user());
      }
      if (url.password() != null) {
        c.setPassword(url.password());
      }
      int seconds = (int) Math.max(1, s.connectTimeout().toSeconds());
      c.addDataSourceProperty("connectTimeout", String.valueOf(seconds));
      c.addDataSourceProperty("loginTimeout", String.valueOf(seconds));
      c.addDataSourceProperty("socketTimeout", String.valueOf(POSTGRESQL_SOCKET_TIMEOUT_S));
      c.addDataSourceProperty("tcpKeepAlive", "true");
      c.addDataSourceProperty("ApplicationName", "phosor");
      if (s.schema() != null) {
        c.addDataSourceProperty("currentSchema", s.schema());
      }
    }
    return c;
  }

  private static void createParentDirectory(DatabaseUrl url, StoreSettings s) {
    String file = url.jdbcUrl().substring("jdbc:sqlite:".length());
    if (file.startsWith("file:") || file.contains("?")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException | SecurityException e) {
      throw new StoreException("database " + s.describe() + " cannot be opened: cannot create its directory " + parent
          + " (" + e + ")", e);
    }
  }

  private static String migrate(HikariDataSource pool, StoreSettings s) {
    var config = Flyway.configure(Store.class.getClassLoader())
        .dataSource(pool)
        .locations(s.dialect().migrations())
        .failOnMissingLocations(true)
        // Refuse a schema newer than this code (applied migrations it does not know) instead of running
        // an old Phosor against tables it does not understand.
        .ignoreMigrationPatterns(new String[0]);
    if (s.schema() != null) {
      config = config.schemas(s.schema()).createSchemas(true);
    }
    try {
      if (s.dialect() == Dialect.POSTGRESQL) {
        checkPrivileges(pool, s);
      }
      MigrateResult result = config.load().migrate();
      return result.targetSchemaVersion != null ? result.targetSchemaVersion
          : currentVersion(config.load());
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      if (Db.unavailable(e)) {
        throw new StoreException("database " + s.describe() + " is unreachable: " + Messages.cause(e), e);
      }
      throw new StoreException("database " + s.describe() + " refused the schema migration: "
          + Messages.migrationFailure(e), e);
    }
  }

  /**
   * Refuses at once, with the GRANT that would help, a first migration the user may not run: Flyway
   * would retry creating its history table for ten seconds and then report a bare "permission denied".
   */
  private static void checkPrivileges(HikariDataSource pool, StoreSettings s) {
    String sql = "SELECT current_user, n.nspname, to_regclass(quote_ident(n.nspname) || '.flyway_schema_history'), "
        + "has_schema_privilege(n.nspname, 'CREATE'), has_database_privilege(current_database(), 'CREATE'), current_database() "
        + "FROM (SELECT coalesce(?, current_schema()) AS nspname) t LEFT JOIN pg_namespace n ON n.nspname = t.nspname";
    try (Connection c = pool.getConnection(); var ps = c.prepareStatement(sql)) {
      ps.setString(1, s.schema());
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        String user = rs.getString(1);
        String schema = rs.getString(2);
        boolean migrated = rs.getString(3) != null;
        if (schema == null && s.schema() != null && !rs.getBoolean(5)) {
          throw new StoreException("database " + s.describe() + " refused the schema migration: schema " + s.schema()
              + " does not exist and user " + user + " may not create it (GRANT CREATE ON DATABASE " + rs.getString(6) + " TO " + user
              + ", or create the schema for it)");
        }
        if (schema != null && !migrated && !rs.getBoolean(4)) {
          throw new StoreException("database " + s.describe() + " refused the schema migration: user " + user
              + " may not create tables in schema " + schema + " (GRANT CREATE ON SCHEMA " + schema + " TO " + user + ")");
        }
      }
    } catch (SQLException e) {
      // Not decisive: the migration itself will say what is wrong.
    }
  }

  private static String currentVersion(Flyway flyway) {
    var current = flyway.info().current();
    MigrationVersion v = current == null ? null : current.getVersion();
    return v == null ? "none" : v.getVersion();
  }

  /** Which database this store runs on. */
  public Dialect dialect() {
    return dialect;
  }

  /** The database for logs, without the password, e.g. {@code PostgreSQL app@db:5432/phosor}. */
  public String describe() {
    return description;
  }

  /** The schema version the migrations brought the database to (the highest applied migration's version). */
  public String schemaVersion() {
    return schemaVersion;
  }

  /**
   * Whether the database answers now. Returns within about the connect timeout (plus at most as long
   * again to validate the connection) even when the database is gone.
   */
  public boolean healthy() {
    if (pool.isClosed()) {
      return false;
    }
    try (Connection c = pool.getConnection()) {
      return c.isValid((int) Math.max(1, connectTimeout.toSeconds()));
    } catch (SQLException e) {
      return false;
    }
  }

  /** The alerts raised by the detection engine, with their triage state. */
  public Alerts alerts() {
    return alerts;
  }

  /** User-managed detection rules, as submitted, with their change history. */
  public Rules rules() {
    return rules;
  }

  /** Incidents, their linked alerts and timelines. */
  public Incidents incidents() {
    return incidents;
  }

  /** Tailed-file sources added at run time, and saved file positions. */
  public Sources sources() {
    return sources;
  }

  /** Named ingest tokens (their SHA-256 hashes). */
  public IngestTokens ingestTokens() {
    return ingestTokens;
  }

  /** User accounts. */
  public Users users() {
    return users;
  }

  /** Response actions and their outcomes. */
  public Actions actions() {
    return actions;
  }

  /** Key-value settings changed at run time. */
  public Settings settings() {
    return settings;
  }

  /** The detection engine's new-value baselines. */
  public Baselines baselines() {
    return baselines;
  }

  /** Blocked addresses (block_ip and the firewall feed). */
  public Blocklist blocklist() {
    return blocklist;
  }

  /** The audit trail of state-changing requests and security events. */
  public AuditLog audit() {
    return audit;
  }

  /** Closes the connection pool; calls after this fail with {@link StoreException}. */
  @Override
  public void close() {
    pool.close();
  }
}
