package io.phosor.respond;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.audit.Audit;
import io.phosor.config.ResponseConfig;
import io.phosor.store.BlockEntry;
import io.phosor.store.Blocklist;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * block_ip and the blocklist: checks and normalises the address (IPv4/IPv6 literals only, never DNS), never blocks
 * one on the allow-list, records the block with its expiry (re-blocking extends), runs the firewall block command,
 * and at expiry (a sweep every {@link #SWEEP_EVERY}) or removal marks it removed and runs the unblock command.
 */
final class BlockService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlockService.class);
  /** How often expired blocks are swept (the feed leaves them out at once anyway). */
  static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

  private final Blocklist blocklist;
  private final Duration defaultTtl;
  private final List<IpAddresses.Range> allow;
  private final FirewallCommand blockCommand;
  private final FirewallCommand unblockCommand;
  private final Audit audit;
  private final Clock clock;
  private final Counter refusedAllowList;
  private final Counter expired;
  private final Counter commandFailures;
  private ScheduledExecutorService sweeper;

  BlockService(Blocklist blocklist, ResponseConfig config, Audit audit, MeterRegistry registry, Clock clock) {
    this.blocklist = blocklist;
    this.defaultTtl = config.blockTtl();
    this.allow = config.blockAllowList().stream().map(IpAddresses::range).toList();
    this.blockCommand = new FirewallCommand(config.firewallBlockCommand(), config.actionTimeout());
    this.unblockCommand = new FirewallCommand(config.firewallUnblockCommand(), config.actionTimeout());
    this.audit = audit;
    this.clock = clock;
    this.refusedAllowList = Counter.builder("phosor.blocklist.refused").description("Blocks refused because the "
        + "address is on the allow-list (PHOSOR_BLOCK_ALLOWLIST)").register(registry);
    this.expired = Counter.builder("phosor.blocklist.expired").description("Blocks that expired").register(registry);
    this.commandFailures = Counter.builder("phosor.blocklist.command.failures").description("Firewall block/unblock "
        + "commands that failed or timed out").register(registry);
    io.micrometer.core.instrument.Gauge.builder("phosor.blocklist.active", this, b -> b.activeCountOrNaN())
        .description("Addresses blocked now").register(registry);
  }

  private double activeCountOrNaN() {
    try {
      return blocklist.activeAddresses().size();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * The address normalised, after the checks that come before anything runs.
   *
   * @throws Refused when it is not an IP literal or is on the allow-list
   */
  String check(String raw) throws Refused {
    String ip = IpAddresses.normalize(raw);
    if (ip == null) {
      throw new Refused("'" + abbreviate(raw) + "' is not an IPv4 or IPv6 address");
    }
    if (IpAddresses.inAny(IpAddresses.parse(ip), allow)) {
      refusedAllowList.increment();
      throw new Refused("address is on the allow-list");
    }
    return ip;
  }

  /**
   * Blocks {@code raw} for {@code duration} (null: PHOSOR_BLOCK_TTL_SECONDS) and returns the outcome.
   *
   * @throws Refused when the address is not valid or on the allow-list (nothing was recorded or run)
   * @throws ActionFailure when the firewall command failed (the block is recorded; a retry runs the command again)
   */
  String block(String raw, Duration duration, String reason, Long incidentId, String who) throws Refused, ActionFailure {
    String ip = check(raw);
    Duration d = duration == null ? defaultTtl : duration;
    Instant until = clock.instant().plus(d);
    Blocklist.Blocked b = blocklist.block(ip, until, reason, incidentId, who);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("expires_at", String.valueOf(b.entry().expiresAt()));
    detail.put("incident_id", incidentId);
    detail.put("new", b.added());
    audit.record(who, null, null, "blocklist.add", ip, "success", detail);
    String outcome = (b.added() ? "blocked " : "block extended: ") + ip + " until " + b.entry().expiresAt();
    if (blockCommand.configured()) {
      try {
        outcome += "; " + blockCommand.run(ip);
      } catch (ActionFailure e) {
        commandFailures.increment();
        throw new ActionFailure(outcome + "; " + e.getMessage(), e.retryable());
      }
    }
    return outcome;
  }

  /** Removes the block of {@code raw} and runs the unblock command; empty when it was not blocked. */
  Optional<BlockEntry> unblock(String raw, String who) {
    String ip = IpAddresses.normalize(raw);
    if (ip == null) {
      throw new IllegalArgumentException("'" + abbreviate(raw) + "' is not an IPv4 or IPv6 address");
    }
    Optional<BlockEntry> removed = blocklist.remove(ip, who);
    removed.ifPresent(e -> {
      String outcome = runUnblock(ip);
      audit.record(who, null, null, "blocklist.remove", ip, "success", outcome == null ? null : Map.of("command", outcome));
    });
    return removed;
  }

  /** Marks expired blocks removed and runs the unblock command for each; returns how many. */
  int sweep() {
    int n = 0;
    List<BlockEntry> batch;
    do {
      batch = blocklist.expire(1000);
      for (BlockEntry e : batch) {
        expired.increment();
        String outcome = runUnblock(e.address());
        audit.record("system", null, null, "blocklist.expired", e.address(), "success",
            outcome == null ? null : Map.of("command", outcome));
        n++;
      }
    } while (batch.size() == 1000);
    return n;
  }

  private String runUnblock(String ip) {
    if (!unblockCommand.configured()) {
      return null;
    }
    try {
      return unblockCommand.run(ip);
    } catch (ActionFailure f) {
      commandFailures.increment();
      LOG.warn("blocklist: unblock command for {} failed: {}", ip, f.getMessage());
      return f.getMessage();
    }
  }

  /** The active addresses, one per line (the firewall feed). */
  String feed() {
    StringBuilder sb = new StringBuilder();
    for (String a : blocklist.activeAddresses()) {
      sb.append(a).append('\n');
    }
    return sb.toString();
  }

  /** The repository (for listing). */
  Blocklist blocklist() {
    return blocklist;
  }

  /** The block time used when none is given. */
  Duration defaultTtl() {
    return defaultTtl;
  }

  /** Starts the expiry sweep. */
  synchronized void start() {
    if (sweeper != null) {
      return;
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("phosor-blocklist-sweep").daemon().factory());
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep();
      } catch (RuntimeException e) {
        LOG.warn("blocklist: expiry sweep failed (retried in {} s): {}", SWEEP_EVERY.toSeconds(), e.toString());
      }
    }, 0, SWEEP_EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public synchronized void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() > 60 ? t.substring(0, 60) + "..." : t;
  }
}
