package io.phosor.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.phosor.event.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playbooks in force, one YAML file each in {@code <data_dir>/playbooks} ({@code <id>.yml}). The directory is
 * created with the default playbooks at first start; an invalid file there stops start-up with a message naming
 * it, like a rule file. Changes through the API are checked, written atomically (temporary file, then rename) and
 * take effect at once. Thread-safe: readers see an immutable snapshot.
 */
final class Playbooks {
  private static final Logger LOG = LoggerFactory.getLogger(Playbooks.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
  /** More files than this in the directory is a mistake, not a configuration. */
  static final int MAX_PLAYBOOKS = 1000;

  private final Path dir;
  /** id to playbook, in id order; replaced as a whole on every change. */
  private volatile Map<String, Playbook> byId;

  private Playbooks(Path dir, Map<String, Playbook> byId) {
    this.dir = dir;
    this.byId = byId;
  }

  /**
   * Loads the playbooks of {@code dir}, writing the defaults there first when the directory does not exist.
   *
   * @throws PlaybookException naming the file when one is invalid, or two share an id
   * @throws UncheckedIOException when the directory cannot be read or created
   */
  static Playbooks load(Path dir) {
    try {
      if (!Files.exists(dir)) {
        Files.createDirectories(dir);
        for (Playbook p : defaults()) {
          write(dir, p);
        }
        LOG.info("playbooks: wrote the {} default playbooks to {}", defaults().size(), dir.toAbsolutePath());
      }
      Map<String, Playbook> out = new java.util.TreeMap<>();
      Map<String, Path> from = new LinkedHashMap<>();
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{yml,yaml}")) {
        ds.forEach(files::add);
      }
      files.sort(Comparator.naturalOrder());
      if (files.size() > MAX_PLAYBOOKS) {
        throw new PlaybookException(List.of(dir + ": more than " + MAX_PLAYBOOKS + " playbook files"));
      }
      for (Path f : files) {
        if (Files.size(f) > PlaybookParser.MAX_BYTES) {
          throw new PlaybookException(List.of(f + ": larger than " + PlaybookParser.MAX_BYTES + " bytes"));
        }
        Playbook p;
        try {
          p = PlaybookParser.parse(Files.readString(f, StandardCharsets.UTF_8));
        } catch (PlaybookException e) {
          throw new PlaybookException(e.problems().stream().map(m -> f + ": " + m).toList());
        }
        String expected = p.id() + ".yml";
        if (!f.getFileName().toString().equals(expected) && !f.getFileName().toString().equals(p.id() + ".yaml")) {
          throw new PlaybookException(List.of(f + ": playbook '" + p.id() + "' must be in a file named " + expected));
        }
        if (from.containsKey(p.id())) {
          throw new PlaybookException(List.of(f + ": playbook '" + p.id() + "': duplicate id (also in "
              + from.get(p.id()) + ")"));
        }
        from.put(p.id(), f);
        out.put(p.id(), p);
      }
      LOG.info("playbooks: {} from {} ({} enabled)", out.size(), dir.toAbsolutePath(),
          out.values().stream().filter(Playbook::enabled).count());
      return new Playbooks(dir, Map.copyOf(out));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the playbooks in " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /** Every playbook, in id order. */
  List<Playbook> all() {
    return byId.values().stream().sorted(Comparator.comparing(Playbook::id)).toList();
  }

  /** The playbook with this id, if any. */
  Optional<Playbook> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Writes {@code p} (new or replacing the one with its id) and puts it in force; returns true when it is new. */
  synchronized boolean put(Playbook p) {
    if (!byId.containsKey(p.id()) && byId.size() >= MAX_PLAYBOOKS) {
      throw new IllegalArgumentException("at most " + MAX_PLAYBOOKS + " playbooks");
    }
    try {
      write(dir, p);
      Path other = dir.resolve(p.id() + ".yaml");
      Files.deleteIfExists(other);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write playbook '" + p.id() + "' in " + dir + ": " + e.getMessage(), e);
    }
    Map<String, Playbook> next = new LinkedHashMap<>(byId);
    boolean added = next.put(p.id(), p) == null;
    byId = Map.copyOf(next);
    return added;
  }

  /** Deletes the playbook and its file; returns false when there was none. */
  synchronized boolean delete(String id) {
    if (!byId.containsKey(id)) {
      return false;
    }
    try {
      Files.deleteIfExists(dir.resolve(id + ".yml"));
      Files.deleteIfExists(dir.resolve(id + ".yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete playbook '" + id + "' in " + dir + ": " + e.getMessage(), e);
    }
    Map<String, Playbook> next = new LinkedHashMap<>(byId);
    next.remove(id);
    byId = Map.copyOf(next);
    return true;
  }

  /** The playbook as YAML, the format of its file. */
  static String toYaml(Playbook p) {
    try {
      return YAML.writeValueAsString(p.toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write playbook " + p.id() + " as YAML", e);
    }
  }

  private static void write(Path dir, Playbook p) throws IOException {
    Path target = dir.resolve(p.id() + ".yml");
    Path tmp = dir.resolve("." + p.id() + ".yml.tmp");
    Files.writeString(tmp, "# Phosor playbook (docs/response.md)\n" + toYaml(p), StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * CortexSOC's defaults: high and critical alerts disable the account, block the address and alert the on-call
   * ops channels; medium alerts alert the security team; low alerts are logged.
   */
  static List<Playbook> defaults() {
    return List.of(
        new Playbook("high-severity", "High and critical: contain and page ops",
            "Disable the user's account, block the source address and alert the on-call channels.", true, false,
            new Playbook.Trigger(Severity.HIGH, List.of(), List.of(), List.of()),
            List.of(new Playbook.Action("disable_account", null, List.of(), null),
                new Playbook.Action("block_ip", null, List.of(), null),
                new Playbook.Action("alert", null, List.of("pagerduty", "slack", "teams", "email", "webhook"), null))),
        new Playbook("medium-severity", "Medium: alert the security team",
            "Tell the security team through chat, email and the webhook.", true, false,
            new Playbook.Trigger(Severity.MEDIUM, List.of(), List.of(), List.of()),
            List.of(new Playbook.Action("alert", null, List.of("slack", "teams", "email", "webhook"), null))),
        new Playbook("low-severity", "Low: log only", "Write the incident to the log; nobody is disturbed.", true,
            false, new Playbook.Trigger(Severity.LOW, List.of(), List.of(), List.of()),
            List.of(new Playbook.Action("log", null, List.of(), "low-severity incident"))));
  }
}
