package io.phosor.cli;

import io.phosor.audit.AuditVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code phosor audit verify}: checks the audit trail's hash chain. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the audit log.",
    subcommands = {AuditCommand.Verify.class})
final class AuditCommand {
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verify the audit log's hash chain: prints OK with the entry count (exit 0), or the first "
          + "broken or missing entry and where it is (exit 1). Safe while the server runs.")
  static final class Verify implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: from configuration, ./data).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
      Path dir = DataDirs.resolve(dataDir);
      if (dir == null) {
        return 2;
      }
      Path audit = dir.resolve("audit");
      if (!Files.isDirectory(audit)) {
        System.err.println("phosor: no audit log in " + audit.toAbsolutePath() + " (has the server run with this data dir?)");
        return 1;
      }
      AuditVerifier.Result r = AuditVerifier.verify(audit);
      if (r.ok()) {
        System.out.println("audit log OK: " + r.entries() + " entries in " + r.files() + " file(s), hash chain intact"
            + (r.entries() > 0 ? " (last hash " + r.lastHash() + ")" : ""));
        return 0;
      }
      System.out.println("audit log BROKEN: " + r.problem());
      System.out.println("  at " + r.problem().file().toAbsolutePath() + (r.problem().line() > 0
          ? ":" + r.problem().line() : "") + "; the " + r.entries() + " entries before it verified");
      return 1;
    }
  }
}
