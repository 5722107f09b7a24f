package io.phosor.search;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the index holds and what it refused, for the status page and metrics.
 *
 * @param partitions one entry per day partition, oldest first
 * @param docs events in the index (including those not yet visible to search)
 * @param bytes bytes on disk of all partitions
 * @param skippedExpired events not indexed because their ingest day was already past retention
 * @param skippedDuplicate events not indexed because they were already indexed (replay after a restart)
 * @param valuesNotIndexed field values stored but not searchable (too long, too many fields or field names)
 * @param resumeSeq the journal position to resume from after a restart (last durable seq + 1)
 */
public record IndexStats(List<Partition> partitions, long docs, long bytes, long skippedExpired,
    long skippedDuplicate, long valuesNotIndexed, long resumeSeq) {
  /** Copies the list. */
  public IndexStats {
    partitions = List.copyOf(partitions);
  }

  /**
   * One day partition.
   *
   * @param day the UTC ingest day whose events it holds
   * @param docs events in it
   * @param bytes bytes on disk
   * @param minTimestamp earliest event time in it, null when empty
   * @param maxTimestamp latest event time in it, null when empty
   */
  public record Partition(LocalDate day, long docs, long bytes, Instant minTimestamp, Instant maxTimestamp) {}
}
