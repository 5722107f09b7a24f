package io.phosor.store;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The repositories' one way into the database: runs reads on an auto-commit connection and writes in a
 * transaction, turns {@link SQLException}s into the store's exceptions, and binds instants the same way
 * everywhere (UTC, millisecond precision: {@code timestamptz} on PostgreSQL, epoch milliseconds on SQLite).
 */
final class Db {
  /** Work on a connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final String name;
  /**
   * SQLite allows one writer at a time. Writers from this process queue here, in order, instead of
   * spinning in SQLite's busy handler (which is unfair and gives up with SQLITE_BUSY); busy_timeout is
   * still set for other processes sharing the file. Null on PostgreSQL.
   */
  private final ReentrantLock sqliteWriter;

  Db(HikariDataSource pool, Dialect dialect, String name) {
    this.pool = pool;
    this.dialect = dialect;
    this.name = name;
    this.sqliteWriter = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} on an auto-commit connection; {@code what} says what for an error message. */
  <T> T read(String what, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
  <T> T write(String what, Work<T> work) {
    if (sqliteWriter != null) {
      sqliteWriter.lock();
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        restoreAutoCommit(c);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    } finally {
      if (sqliteWriter != null) {
        sqliteWriter.unlock();
      }
    }
  }

  /** Before the connection goes back to the pool (SQLite would otherwise keep a transaction open on it). */
  private static void restoreAutoCommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException e) {
      // The connection is broken; the pool discards it, and the failure that matters is already on its way.
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** A StoreUnavailableException when the database is out of reach, otherwise a StoreException. */
  StoreException failure(String what, SQLException e) {
    if (unavailable(e)) {
      return new StoreUnavailableException("database " + name + " is unavailable (" + what + "): "
          + Messages.cause(e), e);
    }
    return new StoreException("database " + name + " failed to " + what + ": " + Messages.oneLine(e), e);
  }

  /** Whether {@code e} (or a cause) means the database cannot be used right now, rather than a bad statement. */
  static boolean unavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException || t instanceof IOException) {
        return true;
      }
      if (t instanceof SQLiteException se) {
        int base = se.getResultCode().code & 0xff;
        if (base == SQLiteErrorCode.SQLITE_BUSY.code || base == SQLiteErrorCode.SQLITE_LOCKED.code
            || base == SQLiteErrorCode.SQLITE_IOERR.code || base == SQLiteErrorCode.SQLITE_FULL.code
            || base == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
          return true;
        }
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        // 08: connection exception; 53: insufficient resources (disk full, too many connections);
        // 57P01-57P03: admin shutdown, crash shutdown, cannot connect now (SQLSTATE, PostgreSQL appendix A).
        if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Binds an instant (null allowed) at millisecond precision. */
  void setInstant(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      if (t == null) {
        ps.setNull(index, Types.BIGINT);
      } else {
        ps.setLong(index, t.toEpochMilli());
      }
    } else if (t == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC));
    }
  }

  /** Reads an instant column (null when NULL). */
  Instant instant(ResultSet rs, String column) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      long ms = rs.getLong(column);
      return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Binds a nullable long. */
  static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  /** Reads a nullable long. */
  static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
