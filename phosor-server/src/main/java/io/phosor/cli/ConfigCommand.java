package io.phosor.cli;

import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import io.phosor.config.DotEnv;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code phosor config}: checks the configuration, or prints the reference of every setting. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Check the configuration (phosor.yml + .env + environment) and print the result, or --reference for "
        + "the list of settings.")
final class ConfigCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./phosor.yml when present).")
  Path config;

  @Option(names = "--reference", description = "Print every setting as a Markdown table.")
  boolean reference;

  @Option(names = "--example-env", description = "Print every setting as a commented .env file (config/example.env).")
  boolean exampleEnv;

  @Override
  public Integer call() {
    if (exampleEnv) {
      System.out.print(ConfigLoader.exampleEnv());
      return 0;
    }
    if (reference) {
      System.out.print(ConfigLoader.referenceTable());
      return 0;
    }
    try {
      var cfg = ConfigLoader.load(config, DotEnv.inWorkingDirectory(), System.getenv());
      System.out.println("configuration is valid: data in " + cfg.dataDir().toAbsolutePath() + ", HTTP port "
          + cfg.httpPort() + ", syslog port " + cfg.syslogPort() + (cfg.syslogTlsEnabled()
          ? ", syslog TLS port " + cfg.syslogTlsPort() : "") + ", " + cfg.ingestTokens().size() + " ingest token(s)");
      return 0;
    } catch (ConfigException e) {
      System.err.println("phosor: " + e.getMessage());
      return 2;
    }
  }
}
