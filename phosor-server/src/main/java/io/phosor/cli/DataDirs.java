package io.phosor.cli;

import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import io.phosor.config.DotEnv;
import java.nio.file.Path;

/** The data directory an offline tool works on: {@code --data-dir}, else the configured one (./data by default). */
final class DataDirs {
  private DataDirs() {}

  /** {@code given}, or the configured data directory; null after printing the configuration problem. */
  static Path resolve(Path given) {
    if (given != null) {
      return given;
    }
    try {
      return ConfigLoader.load(null, DotEnv.inWorkingDirectory(), System.getenv()).dataDir();
    } catch (ConfigException e) {
      System.err.println("phosor: " + e.getMessage());
      return null;
    }
  }
}
