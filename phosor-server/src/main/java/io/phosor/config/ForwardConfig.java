package io.phosor.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of forwarding to other tools (Splunk HEC, syslog with CEF, OpenSearch/Elasticsearch; docs/forwarding.md)
 * that apply to every destination. The destinations themselves are in their own YAML file ({@link #file}), read by
 * {@code io.phosor.forward}. Every value has been checked by {@link ConfigLoader}.
 *
 * @param file the destinations file, or null for {@code <data_dir>/forwarders.yml}; no file means no forwarding
 * @param bufferEvents journaled events that may wait in memory for each destination; beyond it the destination reads
 *     them back from the journal (nothing is lost)
 * @param batchSize records per request when a destination sets none
 * @param maxBatchBytes largest request body; a batch is cut before it grows beyond
 * @param timeout longest one request (connect, send, answer) may take
 * @param maxBackoff longest wait between two attempts at a failing destination
 */
public record ForwardConfig(Path file, int bufferEvents, int batchSize, int maxBatchBytes, Duration timeout,
    Duration maxBackoff) {

  /** The destinations file: {@code file}, or {@code <data_dir>/forwarders.yml}. */
  public Path effectiveFile(Path dataDir) {
    return file != null ? file : dataDir.resolve("forwarders.yml");
  }
}
