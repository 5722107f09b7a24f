package io.phosor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of forwarding to other tools (Splunk HEC, syslog with CEF, OpenSearch/Elasticsearch; docs/forwarding.md)
 * that apply to every destination. The destinations themselves are in their own YAML file ({@link #file}), read by
 * {@code io.phosor.forward}. Every value has been checked by {@link ConfigLoader}.
 *
 * @param file the destinations file, or null for {@code <data_dir>/forwarders.yml}; no file means no forwarding
 * @param batchSize records per request when a destination sets none
 * @param maxBatchBytes largest request body; a batch is cut before it grows beyond
 * @param timeout longest one request (connect, send, answer) may take
 * @param maxBackoff longest wait between two attempts at a failing destination
 * @param env the environment the configuration was loaded from: forwarders.yml names its secrets by environment
 *     variable ({@code token_env}, {@code password_env}); never printed
 */
public record ForwardConfig(Path file, int batchSize, int maxBatchBytes, Duration timeout,
    Duration maxBackoff, Map<String, String> env) {

  /** Copies the environment. */
  public ForwardConfig {
    env = Map.copyOf(env);
  }

  /** Names the settings; the environment (which holds secrets) is left out. */
  @Override
  public String toString() {
    return "ForwardConfig[file=" + file + ", batchSize=" + batchSize + ", maxBatchBytes=" + maxBatchBytes
        + ", timeout=" + timeout + ", maxBackoff=" + maxBackoff + "]";
  }

  /** The destinations file: {@code file}, or {@code <data_dir>/forwarders.yml}. */
  public Path effectiveFile(Path dataDir) {
    return file != null ? file : dataDir.resolve("forwarders.yml");
  }
}
