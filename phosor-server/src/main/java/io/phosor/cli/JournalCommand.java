package io.phosor.cli;

import io.phosor.journal.EventCodec;
import io.phosor.journal.Journal;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code phosor journal cat}: prints journaled events as JSON lines (what Phosor stored, after redaction). */
@Command(name = "journal", mixinStandardHelpOptions = true, description = "Inspect the event journal.",
    subcommands = {JournalCommand.Cat.class})
final class JournalCommand {
  @Command(name = "cat", mixinStandardHelpOptions = true,
      description = "Print journaled events as JSON lines, oldest first (safe while the server runs).")
  static final class Cat implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: from configuration, ./data).")
    Path dataDir;

    @Option(names = "--from", paramLabel = "SEQ", description = "First event id to print (default 1).")
    long from = 1;

    @Option(names = "--last", paramLabel = "N", description = "Print only the last N events.")
    int last;

    @Override
    public Integer call() throws Exception {
      Path dir = DataDirs.resolve(dataDir);
      if (dir == null) {
        return 2;
      }
      Path journal = dir.resolve("journal");
      if (!Files.isDirectory(journal)) {
        System.err.println("phosor: no journal in " + dir.toAbsolutePath() + " (has the server run with this data dir?)");
        return 1;
      }
      PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
      if (last > 0) {
        ArrayDeque<byte[]> tail = new ArrayDeque<>(last);
        Journal.read(journal, from, e -> {
          if (tail.size() == last) {
            tail.removeFirst();
          }
          tail.addLast(EventCodec.encode(e));
        });
        for (byte[] b : tail) {
          out.println(new String(b, StandardCharsets.UTF_8));
        }
      } else {
        Journal.read(journal, from, e -> out.println(new String(EventCodec.encode(e), StandardCharsets.UTF_8)));
      }
      out.flush();
      return 0;
    }
  }
}
