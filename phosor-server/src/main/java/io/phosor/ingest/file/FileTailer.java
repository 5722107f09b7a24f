package io.phosor.ingest.file;

import io.phosor.config.PhosorConfig;
import io.phosor.pipeline.Pipeline;
import io.phosor.stats.SourceStats;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Tails files added through the API, following rotation, resuming from saved positions. STUB. */
public final class FileTailer implements AutoCloseable {
  /** Creates the tailer; {@code journalDir} lets it resume from what is already journaled. */
  public FileTailer(PhosorConfig config, Pipeline pipeline, SourceStats stats, Clock clock, Path journalDir) {}

  /** Restores the saved list of files and starts following them. */
  public void start() {}

  /** Starts tailing {@code path}; throws {@link FileAccessException} when it is outside the allowed dirs. */
  public TailedFile add(String path) {
    throw new FileAccessException(403, "file tailing is not implemented yet");
  }

  /** Stops tailing {@code path}; false when it was not tailed. */
  public boolean remove(String path) {
    return false;
  }

  /** The files being tailed. */
  public List<TailedFile> list() {
    return List.of();
  }

  /** Stops all tails and saves positions. */
  @Override
  public void close() {}
}
