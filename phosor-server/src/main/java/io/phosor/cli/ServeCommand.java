package io.phosor.cli;

import io.phosor.auth.AuthSettings;
import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import io.phosor.config.DotEnv;
import io.phosor.config.PhosorConfig;
import io.phosor.server.PhosorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code phosor serve}: runs a node until SIGTERM/SIGINT, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start the server (HTTP API, syslog, file tails) with the configuration from phosor.yml, .env and the "
        + "environment.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./phosor.yml when present).")
  Path config;

  @Override
  public Integer call() throws Exception {
    PhosorConfig cfg;
    AuthSettings auth;
    try {
      if (config != null && !Files.isRegularFile(config)) {
        throw new ConfigException("invalid configuration: --config: file '" + config + "' does not exist");
      }
      DotEnv dotenv = DotEnv.inWorkingDirectory();
      cfg = ConfigLoader.load(config, dotenv, System.getenv());
      auth = AuthSettings.fromEnvironment(dotenv.under(System.getenv()));
    } catch (ConfigException e) {
      System.err.println("phosor: " + e.getMessage());
      return 2;
    }
    PhosorServer server;
    try {
      server = PhosorServer.start(cfg, auth, Clock.systemUTC());
    } catch (ConfigException e) {
      System.err.println("phosor: " + e.getMessage());
      return 2;
    } catch (java.io.UncheckedIOException e) {
      System.err.println("phosor: " + e.getCause().getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "phosor-shutdown"));
    stopped.await();
    return 0;
  }
}
