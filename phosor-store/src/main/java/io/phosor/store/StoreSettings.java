package io.phosor.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where the store lives and how it connects. Validated on construction: a bad value throws
 * {@link StoreException} naming the setting and the problem (never a password).
 *
 * @param url database URL: null or blank for the SQLite file {@code phosor.db} in {@code dataDir};
 *     {@code postgresql://user:pass@host:5432/db} or {@code postgres://...} (user and password
 *     percent-encoded, query parameters such as {@code sslmode} passed to the driver); or a JDBC URL
 *     {@code jdbc:postgresql://...} / {@code jdbc:sqlite:<file>}
 * @param dataDir the data directory; required when {@code url} is blank
 * @param schema PostgreSQL schema to use, created if absent; null for the connection's default
 * @param poolSize most connections the pool opens; 0 for the dialect's default (see {@link #effectivePoolSize()})
 * @param connectTimeout how long a caller waits for a connection before the database counts as
 *     unavailable; null for {@link #DEFAULT_CONNECT_TIMEOUT}
 */
public record StoreSettings(String url, Path dataDir, String schema, int poolSize, Duration connectTimeout) {
  /** Short, so that a dead database is noticed quickly and start-up fails instead of hanging. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** SQLite serializes writes, so a few connections (for concurrent readers) are all it can use. */
  static final int DEFAULT_SQLITE_POOL = 4;
  /** Enough for the server's stages and API threads without crowding PostgreSQL's max_connections (100). */
  static final int DEFAULT_POSTGRESQL_POOL = 10;
  private static final int MAX_POOL = 200;
  /** Unquoted PostgreSQL identifiers, so the schema name never needs quoting and cannot inject SQL. */
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** Checks every setting and the URL's form. */
  public StoreSettings {
    if (poolSize < 0 || poolSize > MAX_POOL) {
      throw new StoreException("store settings: poolSize must be 0 (default) to " + MAX_POOL + ", was " + poolSize);
    }
    if (connectTimeout == null) {
      connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    }
    if (connectTimeout.compareTo(Duration.ofMillis(250)) < 0 || connectTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new StoreException("store settings: connectTimeout must be 250 ms to 5 min, was " + connectTimeout);
    }
    if (schema != null && schema.isBlank()) {
      schema = null;
    }
    if (schema != null && !SCHEMA.matcher(schema).matches()) {
      throw new StoreException("store settings: schema \"" + schema + "\" must be a lower-case PostgreSQL "
          + "identifier (a-z, 0-9, _; not starting with a digit; at most 63 characters)");
    }
    DatabaseUrl parsed = DatabaseUrl.parse(url, dataDir);
    if (schema != null && parsed.dialect() != Dialect.POSTGRESQL) {
      throw new StoreException("store settings: schema \"" + schema + "\" applies to PostgreSQL only, but the "
          + "database is " + parsed.display());
    }
  }

  /** The default SQLite database in {@code dataDir}. */
  public static StoreSettings sqlite(Path dataDir) {
    return new StoreSettings(null, dataDir, null, 0, null);
  }

  /** The database at {@code url} (SQLite in {@code dataDir} when blank), with default pool and timeout. */
  public static StoreSettings of(String url, Path dataDir) {
    return new StoreSettings(url, dataDir, null, 0, null);
  }

  /** A copy using PostgreSQL schema {@code schema}. */
  public StoreSettings withSchema(String schema) {
    return new StoreSettings(url, dataDir, schema, poolSize, connectTimeout);
  }

  /** A copy with at most {@code poolSize} connections. */
  public StoreSettings withPoolSize(int poolSize) {
    return new StoreSettings(url, dataDir, schema, poolSize, connectTimeout);
  }

  /** A copy that waits at most {@code connectTimeout} for a connection. */
  public StoreSettings withConnectTimeout(Duration connectTimeout) {
    return new StoreSettings(url, dataDir, schema, poolSize, connectTimeout);
  }

  /** Which database the URL names. */
  public Dialect dialect() {
    return connection().dialect();
  }

  /** The pool size in effect: {@link #poolSize()}, or the dialect's default when that is 0. */
  public int effectivePoolSize() {
    if (poolSize > 0) {
      return poolSize;
    }
    return dialect() == Dialect.SQLITE ? DEFAULT_SQLITE_POOL : DEFAULT_POSTGRESQL_POOL;
  }

  /** The database for logs and messages, without the password: {@code PostgreSQL app@db:5432/phosor (schema s)}. */
  public String describe() {
    return connection().display() + (schema == null ? "" : " (schema " + schema + ")");
  }

  /** Like {@link #describe()}: a record's generated toString would print the password in the URL. */
  @Override
  public String toString() {
    return "StoreSettings[" + describe() + ", poolSize=" + effectivePoolSize() + ", connectTimeout=" + connectTimeout + "]";
  }

  DatabaseUrl connection() {
    return DatabaseUrl.parse(url, dataDir);
  }
}
