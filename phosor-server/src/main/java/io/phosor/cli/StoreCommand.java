package io.phosor.cli;

import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import io.phosor.config.DotEnv;
import io.phosor.config.PhosorConfig;
import io.phosor.store.Store;
import io.phosor.store.StoreException;
import io.phosor.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * A console command that works on the configured database (SQLite or PostgreSQL), with the server stopped or
 * running: reads the configuration like the server does, opens the store with two connections, runs, and turns
 * a bad configuration into exit code 2 and a store or input error into exit code 1, each with one message.
 */
abstract class StoreCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./phosor.yml when present).")
  Path config;

  @Override
  public final Integer call() {
    UserCommand.quietStoreLogs();
    PhosorConfig cfg;
    try {
      if (config != null && !Files.isRegularFile(config)) {
        throw new ConfigException("invalid configuration: --config: file '" + config + "' does not exist");
      }
      cfg = ConfigLoader.load(config, DotEnv.inWorkingDirectory(), System.getenv());
    } catch (ConfigException e) {
      System.err.println("phosor: " + e.getMessage());
      return 2;
    }
    String url = cfg.databaseUrl().isEmpty() ? null : cfg.databaseUrl();
    // Two connections: enough for one command, and polite to a running server's database.
    try (Store store = Store.open(StoreSettings.of(url, cfg.dataDir()).withPoolSize(2), Clock.systemUTC())) {
      return run(store);
    } catch (StoreException | IllegalArgumentException | SecurityException e) {
      System.err.println("phosor: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      System.err.println("phosor: " + e.getMessage());
      return 1;
    }
  }

  /** The command's work; its exit code. */
  abstract int run(Store store) throws IOException;
}
