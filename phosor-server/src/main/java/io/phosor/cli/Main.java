package io.phosor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code phosor} command: subcommands for running and operating a node. */
@Command(name = "phosor", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Phosor: real-time log correlation and SOC automation.",
    subcommands = {ServeCommand.class, ConfigCommand.class, JournalCommand.class, LoadCommand.class, ReplayCommand.class,
        RulesCommand.class, UserCommand.class, IngestTokenCommand.class, AuditCommand.class, KeygenCommand.class, KeysCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Prints the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"phosor " + (v == null ? "dev" : v)};
    }
  }
}
