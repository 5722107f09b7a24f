package io.phosor.respond;

import io.phosor.config.ConfigLoader;
import io.phosor.config.PhosorConfig;
import io.phosor.store.Store;
import io.phosor.store.StoreSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Test set-up: configuration from environment settings, a store on SQLite in a temp dir, scripts. */
final class Fixture {
  private Fixture() {}

  /** A configuration with data in {@code dir} and these extra settings. */
  static PhosorConfig config(Path dir, Map<String, String> env) {
    Map<String, String> e = new HashMap<>();
    e.put("PHOSOR_DATA_DIR", dir.toString());
    e.putAll(env);
    return ConfigLoader.load(null, e);
  }

  /** A store on a SQLite file in {@code dir}. */
  static Store store(Path dir, Clock clock) {
    return Store.open(StoreSettings.of(null, dir), clock);
  }

  /** An executable /bin/sh script in {@code dir} with {@code body}. */
  static Path script(Path dir, String name, String body) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
    return f;
  }
}
