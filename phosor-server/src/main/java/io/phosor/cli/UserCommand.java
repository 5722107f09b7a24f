package io.phosor.cli;

import ch.qos.logback.classic.Level;
import io.phosor.audit.Audit;
import io.phosor.auth.Accounts;
import io.phosor.auth.AuthSettings;
import io.phosor.auth.PasswordHasher;
import io.phosor.auth.Principal;
import io.phosor.auth.Role;
import io.phosor.store.Store;
import io.phosor.store.StoredUser;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code phosor user add|passwd|list}: manages accounts in the configured database (SQLite or PostgreSQL), with
 * the server stopped or running. A running server sees a change within a few seconds (its account cache).
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage user accounts (in the configured database).",
    subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.ListUsers.class})
final class UserCommand {
  /** An account command: works on the accounts in the configured database. */
  abstract static class Base extends StoreCommand {
    @Override
    final int run(Store store) throws IOException {
      // The audit log is the server's; changes from the console are recorded when it offers a writer here.
      return run(new Accounts(store.users(), new PasswordHasher(), null, Audit.NONE, Clock.systemUTC()));
    }

    abstract int run(Accounts accounts) throws IOException;
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create an account.")
  static final class Add extends Base {
    @Parameters(index = "0", paramLabel = "USER", description = "User name (letters, digits, '.', '_', '@', '-').")
    String user;

    @Option(names = "--role", paramLabel = "ROLE", required = true, description = "viewer, analyst or admin.")
    String role;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    int run(Accounts accounts) throws IOException {
      Role r = Role.ofUser(role);
      Accounts.checkNewName(user);
      String password = password(passwordStdin, user);
      StoredUser u = accounts.create(user, password, r, Principal.console(), null);
      System.out.println("created " + u.username() + " (" + u.role() + ")");
      return 0;
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true,
      description = "Set a new password for an account; its sessions end.")
  static final class Passwd extends Base {
    @Parameters(index = "0", paramLabel = "USER", description = "User name.")
    String user;

    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    int run(Accounts accounts) throws IOException {
      StoredUser u = accounts.get(user);
      String password = password(passwordStdin, u.username());
      accounts.setPassword(u.username(), null, password, Principal.console(), null);
      System.out.println("password of " + u.username() + " changed");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts.")
  static final class ListUsers extends Base {
    @Override
    int run(Accounts accounts) {
      java.util.List<StoredUser> users = accounts.list();
      int width = Math.max(4, users.stream().mapToInt(u -> u.username().length()).max().orElse(0));
      System.out.printf("%-" + width + "s  %-8s %-9s %s%n", "USER", "ROLE", "STATUS", "LAST LOGIN");
      for (StoredUser u : users) {
        System.out.printf("%-" + width + "s  %-8s %-9s %s%n", u.username(), u.role(), u.disabled() ? "disabled" : "enabled",
            u.lastLoginAt() == null ? "never" : u.lastLoginAt().toString());
      }
      return 0;
    }
  }

  /** Reads a new password: the first line of stdin, or twice from the terminal without echo. */
  static String password(boolean fromStdin, String user) throws IOException {
    if (fromStdin) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        throw new IllegalArgumentException("--password-stdin: standard input is empty");
      }
      return AuthSettings.checkPassword(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException("no terminal to ask for the password: pipe it in with --password-stdin");
    }
    char[] first = console.readPassword("New password for %s (at least %d characters): ", user,
        AuthSettings.MIN_PASSWORD_CHARS);
    char[] again = console.readPassword("Again: ");
    try {
      if (first == null || again == null || !Arrays.equals(first, again)) {
        throw new IllegalArgumentException("the passwords do not match");
      }
      return AuthSettings.checkPassword(new String(first));
    } finally {
      if (first != null) {
        Arrays.fill(first, ' ');
      }
      if (again != null) {
        Arrays.fill(again, ' ');
      }
    }
  }

  /** The pool and migration messages are for the server's log, not for a one-line command. */
  static void quietStoreLogs() {
    for (String name : new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.phosor.store"}) {
      if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
        l.setLevel(Level.WARN);
      }
    }
  }
}
