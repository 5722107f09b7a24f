package io.phosor.cli;

import io.phosor.audit.AuditTrail;
import io.phosor.config.ConfigException;
import io.phosor.config.ConfigLoader;
import io.phosor.config.DotEnv;
import io.phosor.config.PhosorConfig;
import io.phosor.secrets.EncryptionKey;
import io.phosor.secrets.SecretBox;
import io.phosor.secrets.SecretException;
import io.phosor.secrets.SecretSettings;
import io.phosor.store.Store;
import io.phosor.store.StoreException;
import io.phosor.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code phosor keys rotate}: re-encrypts every stored secret under a new key. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage the key for secrets at rest.",
    subcommands = {KeysCommand.Rotate.class})
final class KeysCommand {
  /** The environment variable that carries the new key (an option would show it in the process list). */
  static final String NEW_KEY_ENV = "PHOSOR_NEW_ENCRYPTION_KEY";

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Re-encrypt every stored secret under a new key, in one transaction. The current key comes from "
          + "PHOSOR_ENCRYPTION_KEY (or the configuration), the new one from " + NEW_KEY_ENV + " or --new-key. "
          + "Stop the server first; then start it with the new key.")
  static final class Rotate implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default: ./phosor.yml when present).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: from configuration, ./data).")
    Path dataDir;

    @Option(names = "--new-key", paramLabel = "KEY",
        description = "The new key (base64, from 'phosor keygen'). Prefer " + NEW_KEY_ENV + ": a command line is visible to other users.")
    String newKey;

    @Override
    public Integer call() {
      PhosorConfig cfg;
      EncryptionKey to;
      try {
        if (config != null && !Files.isRegularFile(config)) {
          throw new ConfigException("invalid configuration: --config: file '" + config + "' does not exist");
        }
        DotEnv dotenv = DotEnv.inWorkingDirectory();
        Map<String, String> env = new HashMap<>(System.getenv());
        if (dataDir != null) {
          env.put("PHOSOR_DATA_DIR", dataDir.toString());
        }
        cfg = ConfigLoader.load(config, dotenv, env);
        String text = newKey != null ? newKey : dotenv.under(System.getenv()).get(NEW_KEY_ENV);
        if (text == null || text.isBlank()) {
          throw new ConfigException("no new key: set " + NEW_KEY_ENV + " (or --new-key); generate one with 'phosor keygen'");
        }
        try {
          to = EncryptionKey.parse(text);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("invalid new key (" + (newKey != null ? "--new-key" : NEW_KEY_ENV) + "): " + e.getMessage());
        }
        if (to.equals(cfg.encryptionKey())) {
          throw new ConfigException("the new key is the key in use (key id " + to.id() + "); generate another with "
              + "'phosor keygen'");
        }
      } catch (ConfigException e) {
        System.err.println("phosor: " + e.getMessage());
        return 2;
      }
      SecretBox from = cfg.encryptionKey() == null ? null : new SecretBox(cfg.encryptionKey());
      SecretBox next = new SecretBox(to);
      // The audit trail's lock tells whether a server runs on this data directory: it would keep using the old key.
      try (AuditTrail audit = AuditTrail.open(cfg.dataDir().resolve("audit"), 16, Clock.systemUTC())) {
        String url = cfg.databaseUrl().isEmpty() ? null : cfg.databaseUrl();
        try (Store store = Store.open(StoreSettings.of(url, cfg.dataDir()).withPoolSize(2), Clock.systemUTC())) {
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("from_key", from == null ? null : from.keyId());
          detail.put("to_key", next.keyId());
          try {
            int n = SecretSettings.rotate(store.settings(), from, next);
            detail.put("secrets", n);
            audit.record("cli", null, null, "keys.rotate", null, "success", detail);
            System.out.println("re-encrypted " + n + " stored secret(s) under key id " + next.keyId()
                + (from == null ? "" : " (was " + from.keyId() + ")") + ". Start Phosor with PHOSOR_ENCRYPTION_KEY "
                + "set to the new key; the old key no longer opens them.");
            return 0;
          } catch (SecretException e) {
            audit.record("cli", null, null, "keys.rotate", null, "failure", detail);
            System.err.println("phosor: " + e.getMessage());
            return 1;
          }
        }
      } catch (IOException e) {
        System.err.println("phosor: " + e.getMessage() + "; keys can only be rotated while the server is stopped");
        return 1;
      } catch (StoreException e) {
        System.err.println("phosor: cannot open the database: " + e.getMessage());
        return 1;
      }
    }
  }
}
