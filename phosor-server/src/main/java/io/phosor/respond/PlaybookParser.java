package io.phosor.respond;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.phosor.config.ResponseConfig;
import io.phosor.event.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks playbooks (YAML or JSON, the same fields). Every problem is reported, each naming the playbook
 * and what is wrong: unknown fields, a missing or bad id, a bad severity, an unknown action type, a bad channel,
 * an out-of-range duration.
 */
final class PlaybookParser {
  /** Playbook ids: also file names, so lower case, digits, '-' and '_'. */
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  /** The channels an alert action may name. */
  static final List<String> CHANNELS = List.of("pagerduty", "slack", "teams", "email", "webhook");
  static final List<String> ENTITY_TYPES = List.of("ip", "user", "host");
  static final long MIN_DURATION = 60;
  static final long MAX_DURATION = 365L * 86400;
  static final int MAX_ACTIONS = 20;
  static final int MAX_TEXT = 2000;
  static final int MAX_LIST = 100;
  /** A playbook file is small; a larger one is a mistake. */
  static final int MAX_BYTES = 64 * 1024;

  private static final Set<String> TOP = Set.of("id", "name", "description", "enabled", "dry_run", "trigger", "actions");
  private static final Set<String> TRIGGER = Set.of("severity", "rules", "tags", "entity_types");
  private static final Map<String, Set<String>> PARAMS = Map.of("block_ip", Set.of("type", "duration_seconds"),
      "disable_account", Set.of("type"), "alert", Set.of("type", "channels"), "log", Set.of("type", "message"));
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private PlaybookParser() {}

  /** Parses one playbook from YAML (or JSON, which is YAML too). */
  static Playbook parse(String text) {
    return fromTree(tree(text));
  }

  /** The document as maps and lists, not yet checked. */
  static Object tree(String text) {
    if (text == null || text.isBlank()) {
      throw new PlaybookException(List.of("playbook: empty document"));
    }
    if (text.length() > MAX_BYTES) {
      throw new PlaybookException(List.of("playbook: larger than " + MAX_BYTES + " bytes"));
    }
    try {
      return YAML.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new PlaybookException(List.of("playbook: not valid YAML or JSON: " + e.getOriginalMessage()));
    }
  }

  /** Checks a parsed document and builds the playbook. */
  static Playbook fromTree(Object tree) {
    if (!(tree instanceof Map<?, ?> m)) {
      throw new PlaybookException(List.of("playbook: must be a mapping with id, name, trigger and actions"));
    }
    List<String> problems = new ArrayList<>();
    Object rawId = m.get("id");
    String id = rawId instanceof String s ? s : null;
    String who = "playbook '" + (id == null ? "?" : id) + "'";
    if (rawId != null && id == null) {
      problems.add(who + ": id must be a string, was " + rawId + " (quote it: YAML reads yes, no, on, off and numbers "
          + "as other types)");
    } else if (id == null) {
      problems.add(who + ": id is required (a string)");
    } else if (!ID.matcher(id).matches()) {
      problems.add(who + ": id must be 1-64 of a-z, 0-9, '-' and '_', starting with a letter or digit");
    }
    unknown(m, TOP, who, problems);
    String name = text(m.get("name"), who + ": name", true, 200, problems);
    String description = text(m.get("description"), who + ": description", false, MAX_TEXT, problems);
    boolean enabled = bool(m.get("enabled"), true, who + ": enabled", problems);
    boolean dryRun = bool(m.get("dry_run"), false, who + ": dry_run", problems);
    Playbook.Trigger trigger = trigger(m.get("trigger"), who, problems);
    List<Playbook.Action> actions = actions(m.get("actions"), who, problems);
    if (!problems.isEmpty()) {
      throw new PlaybookException(problems);
    }
    return new Playbook(id, name, description, enabled, dryRun, trigger, actions);
  }

  private static Playbook.Trigger trigger(Object v, String who, List<String> problems) {
    if (!(v instanceof Map<?, ?> t)) {
      problems.add(who + ": trigger is required: a mapping with severity (and optional rules, tags, entity_types)");
      return null;
    }
    unknown(t, TRIGGER, who + ": trigger", problems);
    Severity severity = null;
    Object sv = t.get("severity");
    if (sv == null) {
      problems.add(who + ": trigger.severity is required (informational, low, medium, high or critical)");
    } else {
      severity = sv instanceof String s ? severityOf(s) : null;
      if (severity == null) {
        problems.add(who + ": trigger.severity must be informational, low, medium, high or critical, was '" + sv + "'");
      }
    }
    List<String> rules = strings(t.get("rules"), who + ": trigger.rules", problems);
    List<String> tags = strings(t.get("tags"), who + ": trigger.tags", problems);
    List<String> entityTypes = strings(t.get("entity_types"), who + ": trigger.entity_types", problems);
    for (String e : entityTypes) {
      if (!ENTITY_TYPES.contains(e)) {
        problems.add(who + ": trigger.entity_types: '" + e + "' is not one of " + String.join(", ", ENTITY_TYPES));
      }
    }
    return severity == null ? null : new Playbook.Trigger(severity, rules, tags, entityTypes);
  }

  /** Only Phosor's five names (a playbook is read by people: no syslog keywords). */
  private static Severity severityOf(String s) {
    for (Severity x : Severity.values()) {
      if (x.label().equals(s)) {
        return x;
      }
    }
    return null;
  }

  private static List<Playbook.Action> actions(Object v, String who, List<String> problems) {
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      problems.add(who + ": actions is required: a list of at least one action ({type: block_ip|disable_account|"
          + "alert|log, ...})");
      return List.of();
    }
    if (list.size() > MAX_ACTIONS) {
      problems.add(who + ": at most " + MAX_ACTIONS + " actions, has " + list.size());
    }
    List<Playbook.Action> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = who + ": actions[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> a)) {
        problems.add(where + ": must be a mapping with a type");
        continue;
      }
      Object t = a.get("type");
      if (!(t instanceof String type) || !ResponseConfig.ACTION_TYPES.contains(type)) {
        problems.add(where + ": unknown action type '" + t + "' (known: alert, block_ip, disable_account, log)");
        continue;
      }
      where = where + " (" + type + ")";
      unknown(a, PARAMS.get(type), where, problems);
      Long duration = null;
      Object d = a.get("duration_seconds");
      if (d != null && type.equals("block_ip")) {
        if (d instanceof Number n && (n instanceof Integer || n instanceof Long) && n.longValue() >= MIN_DURATION
            && n.longValue() <= MAX_DURATION) {
          duration = n.longValue();
        } else {
          problems.add(where + ": duration_seconds must be a whole number of seconds from " + MIN_DURATION + " to "
              + MAX_DURATION + " (365 days), was '" + d + "'");
        }
      }
      List<String> channels = List.of();
      if (type.equals("alert") && a.containsKey("channels")) {
        channels = strings(a.get("channels"), where + ": channels", problems);
        if (channels.isEmpty() && a.get("channels") instanceof List<?>) {
          problems.add(where + ": channels must not be empty (leave it out for every configured channel)");
        }
        for (String c : channels) {
          if (!CHANNELS.contains(c)) {
            problems.add(where + ": unknown channel '" + c + "' (known: " + String.join(", ", CHANNELS) + ")");
          }
        }
      }
      String message = type.equals("log") ? text(a.get("message"), where + ": message", false, MAX_TEXT, problems)
          : null;
      out.add(new Playbook.Action(type, duration, channels, message));
    }
    return out;
  }

  private static void unknown(Map<?, ?> m, Set<String> known, String where, List<String> problems) {
    for (Object k : m.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        problems.add(where + ": unknown field '" + k + "' (known: " + String.join(", ", known.stream().sorted()
            .toList()) + ")");
      }
    }
  }

  private static String text(Object v, String where, boolean required, int max, List<String> problems) {
    if (v == null) {
      if (required) {
        problems.add(where + " is required");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      problems.add(where + " must be a non-empty string");
      return null;
    }
    if (s.length() > max) {
      problems.add(where + " is longer than " + max + " characters");
      return null;
    }
    return s;
  }

  private static boolean bool(Object v, boolean dflt, String where, List<String> problems) {
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    problems.add(where + " must be true or false, was '" + v + "'");
    return dflt;
  }

  private static List<String> strings(Object v, String where, List<String> problems) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      problems.add(where + " must be a list of strings");
      return List.of();
    }
    if (list.size() > MAX_LIST) {
      problems.add(where + " has more than " + MAX_LIST + " entries");
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isBlank() || s.length() > 200) {
        problems.add(where + ": '" + o + "' is not a non-empty string of at most 200 characters");
      } else {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }
}
