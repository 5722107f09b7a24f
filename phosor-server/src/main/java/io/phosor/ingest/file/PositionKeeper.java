package io.phosor.ingest.file;

import java.util.List;

/**
 * Where the tailer keeps its list of files and their positions instead of {@code file-positions.json}: the
 * server's relational store. Saves happen after the journal is synced, a few times a second at most.
 */
public interface PositionKeeper {
  /** The saved state as JSON, or null when nothing was saved yet. */
  String load();

  /** Replaces the saved state; {@code paths} are the tailed files (kept as sources). Throws when it cannot. */
  void save(String json, List<String> paths);
}
