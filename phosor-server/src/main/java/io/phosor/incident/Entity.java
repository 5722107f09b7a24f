package io.phosor.incident;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an alert is about, read from its group key (the values the rule grouped by): an IP address first
 * ({@code source.ip}, then {@code destination.ip}, then any other field ending in {@code .ip}), else a user
 * ({@code user.name}, then any field ending in {@code user} or {@code user.name}), else a host ({@code host.name},
 * then {@code host.hostname}). An alert with none of these (a rule without group_by, or grouped by something
 * else) is about its rule: entity type {@code rule}, value the rule id, so such alerts of one rule within the
 * window form one incident.
 *
 * @param type "ip", "user", "host" or "rule"
 * @param value the address, user name, host name or rule id
 */
record Entity(String type, String value) {
  /** Longest field value taken as an entity: a longer one is not a name (a message, a blob) and is skipped. */
  static final int MAX_VALUE = 1024;

  Entity {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  /** The entity of an alert of rule {@code ruleId} with group key {@code groupKey}. */
  static Entity of(String ruleId, Map<String, String> groupKey) {
    // sorted: "any other field" picks the same one every time, whatever the map's order
    Map<String, String> key = new TreeMap<>(groupKey == null ? Map.of() : groupKey);
    String v = first(key, "source.ip", "destination.ip");
    if (v == null) {
      v = suffix(key, ".ip");
    }
    if (v != null) {
      return new Entity("ip", v);
    }
    v = first(key, "user.name");
    if (v == null) {
      v = suffix(key, "user.name");
    }
    if (v == null) {
      v = suffix(key, "user");
    }
    if (v != null) {
      return new Entity("user", v);
    }
    v = first(key, "host.name", "host.hostname");
    if (v != null) {
      return new Entity("host", v);
    }
    return new Entity("rule", ruleId);
  }

  private static String first(Map<String, String> key, String... fields) {
    for (String f : fields) {
      String v = usable(key.get(f));
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String suffix(Map<String, String> key, String suffix) {
    for (Map.Entry<String, String> e : key.entrySet()) {
      if (e.getKey().endsWith(suffix)) {
        String v = usable(e.getValue());
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  private static String usable(String v) {
    if (v == null) {
      return null;
    }
    String t = v.strip();
    return t.isEmpty() || t.length() > MAX_VALUE ? null : t;
  }

  /**
   * The title of an incident this entity opens with an alert of rule {@code ruleName}: "SSH brute force from
   * 203.0.113.7", "Impossible travel for user alice", "Malware on host web-1", or the rule name alone.
   */
  String title(String ruleName) {
    String rule = ruleName;
    String t = switch (type) {
      case "ip" -> rule + " from " + value;
      case "user" -> rule + " for user " + value;
      case "host" -> rule + " on host " + value;
      default -> rule;
    };
    return t.length() <= MAX_TITLE ? t : t.substring(0, MAX_TITLE - 3) + "...";
  }

  /** Longest title: one line in a list or a page title. */
  static final int MAX_TITLE = 300;
}
