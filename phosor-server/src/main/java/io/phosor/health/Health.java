package io.phosor.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The node's health as {@code /health} reports it: each part (ingest, store, index, detection) registers a
 * check that says ok, degraded (working, with a reason: the database is down and alerts wait in the journal)
 * or down (cannot do its job: ingestion paused because the disk is full). The node is as healthy as its
 * worst part.
 */
public final class Health {
  /** How well a part works. */
  public enum Status {
    /** Works. */
    OK,
    /** Works, but something is wrong that the operator should know (and it catches up by itself). */
    DEGRADED,
    /** Cannot do its job until the reason goes away. */
    DOWN;

    /** Lower-case name for JSON. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One part's state and, unless ok, why. */
  public record Check(Status status, String reason) {
    /** All well. */
    public static final Check OK = new Check(Status.OK, null);

    /** Degraded because of {@code reason}. */
    public static Check degraded(String reason) {
      return new Check(Status.DEGRADED, reason);
    }

    /** Down because of {@code reason}. */
    public static Check down(String reason) {
      return new Check(Status.DOWN, reason);
    }
  }

  private final Map<String, Supplier<Check>> checks = new ConcurrentHashMap<>();
  private final Map<String, Integer> order = new ConcurrentHashMap<>();

  /** Adds (or replaces) the check of part {@code name}; it must be cheap and must not block. */
  public void register(String name, Supplier<Check> check) {
    order.putIfAbsent(name, order.size());
    checks.put(name, check);
  }

  /** Every part's current state, in registration order. */
  public Map<String, Check> snapshot() {
    Map<String, Check> out = new LinkedHashMap<>();
    order.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
      Check c;
      try {
        c = checks.get(e.getKey()).get();
      } catch (RuntimeException ex) {
        c = Check.degraded("health check failed: " + ex.getClass().getSimpleName());
      }
      out.put(e.getKey(), c == null ? Check.OK : c);
    });
    return out;
  }

  /** The worst status of {@code parts}. */
  public static Status overall(Map<String, Check> parts) {
    Status worst = Status.OK;
    for (Check c : parts.values()) {
      if (c.status().ordinal() > worst.ordinal()) {
        worst = c.status();
      }
    }
    return worst;
  }
}
