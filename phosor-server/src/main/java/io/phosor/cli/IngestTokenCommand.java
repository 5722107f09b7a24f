package io.phosor.cli;

import io.phosor.auth.Principal;
import io.phosor.auth.StoredIngestTokens;
import io.phosor.store.IngestToken;
import io.phosor.store.Store;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code phosor ingest-token create|list|revoke}: the stored ingest tokens ({@code /api/ingest-tokens}) from the
 * console, in the configured database, with the server stopped or running (a running server sees a new token at
 * once and a revocation within 10 s, its cache).
 */
@Command(name = "ingest-token", mixinStandardHelpOptions = true,
    description = "Manage stored ingest tokens (in the configured database).",
    subcommands = {IngestTokenCommand.Create.class, IngestTokenCommand.ListTokens.class, IngestTokenCommand.Revoke.class})
final class IngestTokenCommand {
  private IngestTokenCommand() {}

  private static StoredIngestTokens tokens(Store store) {
    return new StoredIngestTokens(store.ingestTokens(), Clock.systemUTC());
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a token and print it (once: only its SHA-256 is stored).")
  static final class Create extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "A name for the token (letters, digits, '.', '_', '-').")
    String name;

    @Override
    int run(Store store) {
      StoredIngestTokens.Created c = tokens(store).create(name, Principal.console().name());
      System.err.println("created ingest token " + c.description().name() + "; it is shown once, store it now:");
      System.out.println(c.token());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the stored tokens (never the tokens).")
  static final class ListTokens extends StoreCommand {
    @Override
    int run(Store store) {
      List<IngestToken> all = tokens(store).list();
      int width = Math.max(4, all.stream().mapToInt(t -> t.name().length()).max().orElse(0));
      System.out.printf("%-" + width + "s  %-8s %-24s %s%n", "NAME", "STATUS", "CREATED BY", "LAST USED");
      for (IngestToken t : all) {
        System.out.printf("%-" + width + "s  %-8s %-24s %s%n", t.name(), t.revoked() ? "revoked" : "active",
            t.createdBy(), t.lastUsedAt() == null ? "never" : t.lastUsedAt().toString());
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a stored token.")
  static final class Revoke extends StoreCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The token's name.")
    String name;

    @Override
    int run(Store store) {
      IngestToken t = tokens(store).revoke(name);
      System.out.println("revoked ingest token " + t.name());
      return 0;
    }
  }
}
