package io.phosor.respond;

import io.phosor.event.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A playbook: when an alert joins an incident and matches {@link #trigger}, its {@link #actions} are queued for
 * that incident, in order. Built only by {@link PlaybookParser}, so every instance is valid.
 *
 * @param id the playbook's id (its file is {@code <id>.yml})
 * @param name one line for humans
 * @param description what it is for
 * @param enabled whether it runs at all
 * @param dryRun when true its actions are recorded as what would have run, never run
 * @param trigger what it runs on
 * @param actions what it does, in order
 */
record Playbook(String id, String name, String description, boolean enabled, boolean dryRun, Trigger trigger,
    List<Action> actions) {
  Playbook {
    actions = List.copyOf(actions);
  }

  /**
   * When a playbook runs: an alert at or above {@code severity}, and, when given, of one of {@code rules}, with one of
   * {@code tags}, about an incident whose entity type is one of {@code entityTypes}.
   */
  record Trigger(Severity severity, List<String> rules, List<String> tags, List<String> entityTypes) {
    Trigger {
      rules = List.copyOf(rules);
      tags = List.copyOf(tags);
      entityTypes = List.copyOf(entityTypes);
    }

    /** Whether an alert of {@code rule} with {@code severity} and {@code alertTags} about {@code entityType} matches. */
    boolean matches(Severity alertSeverity, String rule, List<String> alertTags, String entityType) {
      return alertSeverity.compareTo(severity) >= 0
          && (rules.isEmpty() || rules.contains(rule))
          && (tags.isEmpty() || alertTags.stream().anyMatch(tags::contains))
          && (entityTypes.isEmpty() || entityTypes.contains(entityType));
    }
  }

  /**
   * One action: its type ({@code block_ip}, {@code disable_account}, {@code alert}, {@code log}) and parameters.
   *
   * @param type the action type
   * @param durationSeconds block_ip: how long, or null for PHOSOR_BLOCK_TTL_SECONDS
   * @param channels alert: the channels, or empty for every configured one
   * @param message log: the line to log, or null
   */
  record Action(String type, Long durationSeconds, List<String> channels, String message) {
    Action {
      channels = List.copyOf(channels);
    }
  }

  /** The playbook as JSON and YAML write it (the format of its file). */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("name", name);
    if (description != null) {
      m.put("description", description);
    }
    m.put("enabled", enabled);
    m.put("dry_run", dryRun);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("severity", trigger.severity().label());
    if (!trigger.rules().isEmpty()) {
      t.put("rules", trigger.rules());
    }
    if (!trigger.tags().isEmpty()) {
      t.put("tags", trigger.tags());
    }
    if (!trigger.entityTypes().isEmpty()) {
      t.put("entity_types", trigger.entityTypes());
    }
    m.put("trigger", t);
    m.put("actions", actions.stream().map(a -> {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("type", a.type());
      if (a.durationSeconds() != null) {
        x.put("duration_seconds", a.durationSeconds());
      }
      if (!a.channels().isEmpty()) {
        x.put("channels", a.channels());
      }
      if (a.message() != null) {
        x.put("message", a.message());
      }
      return x;
    }).toList());
    return m;
  }
}
