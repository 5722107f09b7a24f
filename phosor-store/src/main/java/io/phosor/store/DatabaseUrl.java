package io.phosor.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A database URL turned into what the JDBC driver needs. Accepted forms:
 * <ul>
 *   <li>null or blank: the SQLite file {@code phosor.db} in the data directory;</li>
 *   <li>{@code postgresql://user:pass@host:5432/db?sslmode=require} or {@code postgres://...} (libpq's
 *       URI form, as in {@code DATABASE_URL}): user and password are percent-decoded, several
 *       {@code host:port} pairs may be given comma-separated, query parameters are passed to the driver;</li>
 *   <li>{@code jdbc:postgresql://host:5432/db?user=...&password=...} (pgjdbc's own form);</li>
 *   <li>{@code jdbc:sqlite:/path/to/file.db}.</li>
 * </ul>
 * The password never appears in {@link #display()}, {@link #toString()} or an error message.
 */
record DatabaseUrl(Dialect dialect, String jdbcUrl, String user, String password, String display) {
  /** Name of the SQLite file used when no URL is set. */
  static final String DEFAULT_SQLITE_FILE = "phosor.db";

  private static final String FORMS = "expected postgresql://user:pass@host:5432/db, postgres://..., "
      + "jdbc:postgresql://host:5432/db or jdbc:sqlite:<file>";
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::(\\d{1,5}))?");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&]password=)[^&]*");

  @Override
  public String toString() {
    return display;
  }

  /** Parses {@code url}; a blank URL means SQLite in {@code dataDir}. */
  static DatabaseUrl parse(String url, Path dataDir) {
    if (url == null || url.isBlank()) {
      if (dataDir == null) {
        throw new StoreException("store settings: dataDir is required when no database URL is set "
            + "(the default database is " + DEFAULT_SQLITE_FILE + " in the data directory)");
      }
      Path file = dataDir.resolve(DEFAULT_SQLITE_FILE).toAbsolutePath().normalize();
      return new DatabaseUrl(Dialect.SQLITE, "jdbc:sqlite:" + file, null, null, Dialect.SQLITE.displayName() + " " + file);
    }
    String u = url.strip();
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
      return libpq(u, u.substring(u.indexOf("://") + 3));
    }
    if (lower.startsWith("jdbc:postgresql:")) {
      return pgjdbc(u, u.substring("jdbc:postgresql:".length()));
    }
    if (lower.startsWith("jdbc:sqlite:")) {
      return sqlite(u, u.substring("jdbc:sqlite:".length()));
    }
    throw bad(u, "is not supported: " + FORMS);
  }

  /** {@code url} with any password replaced by {@code ***}, for messages about a URL that did not parse. */
  static String redact(String url) {
    String r = url;
    int scheme = r.indexOf("://");
    int at = r.lastIndexOf('@');
    if (scheme >= 0 && at > scheme) {
      int colon = r.indexOf(':', scheme + 3);
      if (colon >= 0 && colon < at) {
        r = r.substring(0, colon + 1) + "***" + r.substring(at);
      }
    }
    return PASSWORD_PARAM.matcher(r).replaceAll("$1***");
  }

  private static StoreException bad(String url, String problem) {
    return new StoreException("database URL \"" + redact(url) + "\" " + problem);
  }

  private static DatabaseUrl sqlite(String url, String rest) {
    String file = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
    if (file.isBlank()) {
      throw bad(url, "names no file: write jdbc:sqlite:/path/to/phosor.db");
    }
    if (file.contains(":memory:") || rest.contains("mode=memory")) {
      throw bad(url, "is an in-memory database, which the store cannot use (every pooled connection "
          + "would see its own empty database): name a file, e.g. jdbc:sqlite:/path/to/phosor.db");
    }
    return new DatabaseUrl(Dialect.SQLITE, "jdbc:sqlite:" + rest, null, null, Dialect.SQLITE.displayName() + " " + file);
  }

  /** libpq's URI form: {@code postgresql://[user[:password]@]host[:port][,...]/db[?params]}. */
  private static DatabaseUrl libpq(String url, String rest) {
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@'); // the last one: an unencoded '@' or '/' in a password still works
    if (at >= 0) {
      String userinfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userinfo.indexOf(':');
      user = decode(url, colon < 0 ? userinfo : userinfo.substring(0, colon), "user name");
      password = colon < 0 ? null : decode(url, userinfo.substring(colon + 1), "password");
      user = user.isEmpty() ? null : user;
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String db = slash < 0 ? "" : rest.substring(slash + 1);
    Params params = Params.parse(url, query);
    user = params.user != null ? params.user : user;
    password = params.password != null ? params.password : password;
    String hosts = hosts(url, authority);
    if (db.isEmpty()) {
      throw bad(url, "names no database: write postgresql://user:pass@host:5432/<database>");
    }
    String jdbc = "jdbc:postgresql://" + authority + "/" + db + (params.rest.isEmpty() ? "" : "?" + params.rest);
    return new DatabaseUrl(Dialect.POSTGRESQL, jdbc, user, password, display(user, hosts, decode(url, db, "database")));
  }

  /** pgjdbc's form: {@code jdbc:postgresql://host[:port][,...]/db[?params]} or {@code jdbc:postgresql:db}. */
  private static DatabaseUrl pgjdbc(String url, String rest) {
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String authority = "localhost";
    String db = rest;
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
      db = slash < 0 ? "" : rest.substring(slash + 1);
      if (authority.contains("@")) {
        throw bad(url, "puts user and password before the host, which the JDBC form does not allow: "
            + "write postgresql://user:pass@host/db, or jdbc:postgresql://host/db?user=...&password=...");
      }
    } else if (rest.startsWith("/")) {
      db = rest.substring(1);
    }
    Params params = Params.parse(url, query);
    String hosts = hosts(url, authority);
    if (db.isEmpty()) {
      throw bad(url, "names no database: write jdbc:postgresql://host:5432/<database>");
    }
    String jdbc = "jdbc:postgresql:" + rest + (params.rest.isEmpty() ? "" : "?" + params.rest);
    return new DatabaseUrl(Dialect.POSTGRESQL, jdbc, params.user, params.password,
        display(params.user, hosts, decode(url, db, "database")));
  }

  /** Checks a comma-separated host list and returns it with the default port filled in, for display. */
  private static String hosts(String url, String authority) {
    if (authority.isEmpty()) {
      throw bad(url, "names no host: write postgresql://user:pass@<host>:5432/db");
    }
    List<String> shown = new ArrayList<>();
    for (String hp : authority.split(",", -1)) {
      var m = HOST_PORT.matcher(hp);
      if (!m.matches()) {
        throw bad(url, "has a bad host \"" + hp + "\": write host or host:port");
      }
      int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
      if (port < 1 || port > 65535) {
        throw bad(url, "has a bad port " + m.group(2) + ": must be 1-65535");
      }
      shown.add(m.group(1) + ":" + port);
    }
    return String.join(",", shown);
  }

  private static String display(String user, String hosts, String db) {
    return Dialect.POSTGRESQL.displayName() + " " + (user == null ? "" : user + "@") + hosts + "/" + db;
  }

  /** Percent-decodes (RFC 3986 section 2.1) as UTF-8; unlike URLDecoder a '+' stays a '+'. */
  static String decode(String url, String s, String what) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (lo < 0) {
        throw bad(url, "has a bad %-escape in the " + what + ": write a '%' as %25");
      }
      out.write(hi * 16 + lo);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Query parameters: {@code user} and {@code password} taken out, the rest passed through untouched. */
  private record Params(String user, String password, String rest) {
    static Params parse(String url, String query) {
      if (query == null || query.isEmpty()) {
        return new Params(null, null, "");
      }
      String user = null;
      String password = null;
      List<String> rest = new ArrayList<>();
      for (String p : query.split("&")) {
        if (p.isEmpty()) {
          continue;
        }
        int eq = p.indexOf('=');
        String name = eq < 0 ? p : p.substring(0, eq);
        String value = eq < 0 ? "" : p.substring(eq + 1);
        switch (name.toLowerCase(Locale.ROOT)) {
          case "user" -> user = decode(url, value, "user parameter");
          case "password" -> password = decode(url, value, "password parameter");
          default -> rest.add(p);
        }
      }
      return new Params(user, password, String.join("&", rest));
    }
  }
}
