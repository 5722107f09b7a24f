package io.phosor.server;

import io.phosor.ingest.file.PositionKeeper;
import io.phosor.store.FileSource;
import io.phosor.store.Store;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The tailer's file list and positions in the relational store: one JSON document plus the file sources. */
final class StorePositions implements PositionKeeper {
  /** The key of the tailer's state among the store's file positions. */
  static final String KEY = "file-tailer";
  private final Store store;
  private Set<String> known;

  StorePositions(Store store) {
    this.store = store;
  }

  @Override
  public String load() {
    return store.sources().positions().get(KEY);
  }

  @Override
  public void save(String json, List<String> paths) {
    store.sources().putPosition(KEY, json);
    Set<String> now = new HashSet<>(paths);
    if (!now.equals(known)) {
      Set<String> stored = new HashSet<>();
      for (FileSource f : store.sources().files()) {
        stored.add(f.path());
      }
      for (String p : now) {
        if (!stored.contains(p)) {
          store.sources().addFile(p, "api");
        }
      }
      for (String p : stored) {
        if (!now.contains(p)) {
          store.sources().removeFile(p);
        }
      }
      known = now;
    }
  }
}
