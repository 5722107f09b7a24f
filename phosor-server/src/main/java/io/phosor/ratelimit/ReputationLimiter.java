package io.phosor.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adaptive per-source rate limiting (SPEC section 4).
 *
 * <p>Each source key (sender IP, token id, source name) has a reputation from 0 to 100 and a token
 * bucket (the classic algorithm, e.g. Tanenbaum, <i>Computer Networks</i>, 5.4.2) whose size and
 * refill rate follow the reputation:
 * <ul>
 *   <li><b>Rate function.</b> {@code f(r) = max(0.10, r / 100)}: reputation 100 allows 100 % of
 *       {@code perSecond}, 50 allows 50 %, 10 and below allow the 10 % floor. The bucket refills at
 *       {@code perSecond * f(r)} events/s and holds {@code max(burst, perSecond) * f(r)} events. New
 *       sources start at reputation 100 with a full bucket.
 *   <li><b>Violation.</b> A request for more events than the bucket holds is refused and is a
 *       violation: reputation drops by 10 and the source is blocked for {@code 2^n} seconds, n being the
 *       violations since the backoff was last reset (2 s, 4 s, 8 s, ...), capped at 1 hour. While
 *       blocked, every request is refused with the remaining block as Retry-After. Every refused event
 *       is counted per source. One WARN is logged per block, never per event.
 *   <li><b>Recovery.</b> From the end of a block, every 10 s without a violation (sending within the
 *       limit or sending nothing) gives back 1 point of reputation, up to 100 (so 10 points, one
 *       violation, take 100 s). After 10 minutes without a violation the backoff resets to 2 s.
 *   <li><b>Memory bound.</b> At most {@code maxKeys} sources are remembered. A source idle for 1 hour is
 *       forgotten once it would be back at full reputation with its backoff reset (swept at most once a
 *       minute), so forgetting never lets a misbehaving source off lightly. When a flood of new keys (e.g.
 *       spoofed UDP senders) fills the table, a sweep brings it down to 90 % of {@code maxKeys}: first
 *       sources in good standing (full reputation, no backoff: forgetting them changes nothing but a
 *       partly used bucket), least recently seen first, and only then misbehaving ones, those nearest
 *       to recovery first.
 * </ul>
 *
 * <p>Thread-safe. The hot path is a {@link ConcurrentHashMap} read and one uncontended per-source lock
 * (no global lock); a blocked source is refused without taking any lock. Sweeps run on the calling
 * thread, one at a time, amortized over at least {@code maxKeys / 10} new sources; only threads
 * admitting a new source into a full table wait for them. All time comes from the injected {@link Clock}; a clock
 * that steps backwards is treated as if no time had passed.
 */
public final class ReputationLimiter {
  /** Reputation of a source never seen before: trusted until it misbehaves (SPEC section 4). */
  static final int INITIAL_REPUTATION = 100;
  /** Highest reputation. */
  static final int MAX_REPUTATION = 100;
  /** Reputation lost per violation: ten violations take a trusted source down to the floor. */
  static final int VIOLATION_PENALTY = 10;
  /** Share of the full rate left at the lowest reputations, so a noisy but real source still gets through. */
  static final double RATE_FLOOR = 0.10;
  /** First block; doubles with every consecutive violation (SPEC: 2 s, 4 s, 8 s, ...). */
  static final long BASE_BLOCK_MILLIS = 2_000;
  /** Longest block (SPEC: up to 1 hour). */
  static final long MAX_BLOCK_MILLIS = 3_600_000;
  /** Clean time that earns back one reputation point: 100 points in under 17 minutes. */
  static final long RECOVERY_MILLIS_PER_POINT = 10_000;
  /** Clean time after which the next violation blocks for 2 s again instead of doubling. */
  static final long BACKOFF_RESET_MILLIS = 600_000;
  /** Idle time after which a source at full reputation is forgotten. */
  static final long IDLE_EVICTION_MILLIS = 3_600_000;
  /** Default bound on remembered sources: about 20 MB of state at ~200 bytes a source. */
  public static final int DEFAULT_MAX_KEYS = 100_000;
  /** A full table is swept down to this share of maxKeys, so sweeps are rare even during a flood. */
  static final double LOW_WATER = 0.90;
  /** How often idle sources are looked for when the table is not full. */
  static final long IDLE_SWEEP_MILLIS = 60_000;

  private static final Logger LOG = LoggerFactory.getLogger("phosor.ratelimit");

  private final double perSecond;
  private final double capacity;
  private final Clock clock;
  private final int maxKeys;
  private final ConcurrentHashMap<String, SourceState> sources;
  private final LongAdder refusedTotal = new LongAdder();
  private final LongAdder forgotten = new LongAdder();
  private final ReentrantLock sweeping = new ReentrantLock();
  private volatile long nextIdleSweep;

  /** {@code perSecond} is the rate of a source with reputation 100 (0 disables limiting). */
  public ReputationLimiter(double perSecond, double burst, Clock clock) {
    this(perSecond, burst, clock, DEFAULT_MAX_KEYS);
  }

  /** As {@link #ReputationLimiter(double, double, Clock)}, remembering at most {@code maxKeys} sources. */
  public ReputationLimiter(double perSecond, double burst, Clock clock, int maxKeys) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate_limit.per_second must be a finite number >= 0, was " + perSecond);
    }
    if (!(burst >= 0) || Double.isInfinite(burst)) {
      throw new IllegalArgumentException("rate_limit.burst must be a finite number >= 0, was " + burst);
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be >= 1, was " + maxKeys);
    }
    this.perSecond = perSecond;
    this.capacity = Math.max(burst, perSecond);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxKeys = maxKeys;
    this.sources = perSecond == 0 ? null : new ConcurrentHashMap<>();
    this.nextIdleSweep = clock.millis() + IDLE_SWEEP_MILLIS;
  }

  /** True when limiting is on ({@code perSecond > 0}). */
  public boolean enabled() {
    return sources != null;
  }

  /** Asks to let {@code events} events from source {@code key} through. */
  public Decision tryAcquire(String key, int events) {
    Objects.requireNonNull(key, "key");
    if (sources == null || events <= 0) {
      if (events < 0) {
        throw new IllegalArgumentException("events must be >= 0, was " + events);
      }
      return Decision.ALLOW;
    }
    long now = clock.millis();
    if (now >= nextIdleSweep) {
      sweep(now, false);
    }
    while (true) {
      SourceState s = sources.get(key);
      if (s == null) {
        s = admit(key, now);
      }
      long until = s.blockedUntil;
      if (now < until) { // fast path while blocked: no lock
        return refuse(s, events, until - now);
      }
      Violation violation;
      synchronized (s) {
        if (s.evicted) {
          continue; // dropped by a sweep between the lookup and the lock: use the new state
        }
        until = s.blockedUntil;
        if (now < until) {
          violation = null;
        } else {
          settle(s, now);
          s.lastSeen = now;
          if (now - s.windowStart >= 1_000) {
            s.windowStart = now;
            s.windowCount = 0;
          }
          s.windowCount += events;
          if (events <= s.tokens) {
            s.tokens -= events;
            return Decision.ALLOW;
          }
          violation = violate(s, now);
          until = s.blockedUntil;
        }
      }
      if (violation != null) {
        LOG.warn("[RATE_LIMIT] {} exceeded limit: {}/{} (violations: {}, reputation: {}); blocked for {}s",
            key, violation.requested, violation.limit, violation.violations, violation.reputation,
            violation.blockMillis / 1000);
      }
      return refuse(s, events, until - now);
    }
  }

  /** Creates the state of a new source, sweeping first when the table is full. */
  private SourceState admit(String key, long now) {
    if (sources.size() >= maxKeys) {
      sweep(now, true);
    }
    return sources.computeIfAbsent(key, k -> new SourceState(k, now, capacity));
  }

  /** What the limiter knows about {@code key}, or null when it has never seen it (or has forgotten it). */
  public SourceReputation reputation(String key) {
    if (sources == null) {
      return null;
    }
    SourceState s = sources.get(key);
    if (s == null) {
      return null;
    }
    long now = clock.millis();
    synchronized (s) {
      if (s.evicted) {
        return null;
      }
      settle(s, now);
      return s.view(now, perSecond);
    }
  }

  /** Every remembered source, lowest reputation first (then by key). */
  public List<SourceReputation> snapshot() {
    if (sources == null) {
      return List.of();
    }
    long now = clock.millis();
    List<SourceReputation> out = new ArrayList<>();
    for (SourceState s : sources.values()) {
      synchronized (s) {
        if (!s.evicted) {
          settle(s, now);
          out.add(s.view(now, perSecond));
        }
      }
    }
    out.sort(Comparator.comparingInt(SourceReputation::reputation).thenComparing(SourceReputation::key));
    return out;
  }

  /** Events refused since start, all sources together (forgotten sources included). */
  public long refusedTotal() {
    return refusedTotal.sum();
  }

  /** How many sources are remembered now (at most {@code maxKeys}). */
  public long trackedSources() {
    return sources == null ? 0 : sources.size();
  }

  /** Sources forgotten so far, idle or to make room. */
  public long forgottenSources() {
    return forgotten.sum();
  }

  /** Forgets idle, recovered sources now instead of at the next periodic sweep; for tests. */
  void cleanUp() {
    if (sources != null) {
      sweep(clock.millis(), false);
    }
  }

  /**
   * Forgets idle sources that have fully recovered and, when {@code makeRoom}, then good-standing sources
   * (least recently seen first) and finally misbehaving ones (nearest to recovery first), down to
   * {@link #LOW_WATER} of maxKeys.
   * One sweeper at a time: a caller that needs room waits for a running sweep and then looks again,
   * so the table exceeds maxKeys by at most the number of threads admitting new sources at once.
   */
  private void sweep(long now, boolean makeRoom) {
    if (makeRoom) {
      sweeping.lock(); // wait for a running sweep, then look again: this is what keeps the bound hard
    } else if (!sweeping.tryLock()) {
      return; // an idle sweep is already running
    }
    try {
      nextIdleSweep = now + IDLE_SWEEP_MILLIS;
      if (makeRoom && sources.size() < maxKeys) {
        return; // another thread made room meanwhile
      }
      long[] goodLastSeen = new long[sources.size() + 16];
      long[] badForgettableAt = new long[goodLastSeen.length];
      int good = 0;
      int bad = 0;
      for (SourceState s : sources.values()) {
        synchronized (s) {
          settle(s, now);
          if (s.forgettable(now)) {
            drop(s);
          } else if (makeRoom && good < goodLastSeen.length && bad < badForgettableAt.length) {
            if (s.inGoodStanding(now)) {
              goodLastSeen[good++] = s.lastSeen;
            } else {
              badForgettableAt[bad++] = s.forgettableAt;
            }
          }
        }
      }
      if (!makeRoom) {
        return;
      }
      // Count only what this sweep saw: sources added meanwhile by other threads are not candidates,
      // and counting them would push the sweep on to misbehaving sources while good ones remain.
      int excess = good + bad - (int) (maxKeys * LOW_WATER);
      if (excess <= 0) {
        return;
      }
      int fromGood = Math.min(excess, good);
      if (fromGood > 0) {
        dropOldest(now, true, nthSmallest(goodLastSeen, good, fromGood), fromGood);
      }
      int fromBad = excess - fromGood;
      if (fromBad > 0 && bad > 0) {
        dropOldest(now, false, nthSmallest(badForgettableAt, bad, Math.min(fromBad, bad)), fromBad);
      }
    } finally {
      sweeping.unlock();
    }
  }

  /**
   * Drops up to {@code limit} sources of the given standing whose order key is at most {@code cutoff}:
   * for good standing the time last seen, for misbehaving sources the time they would become forgettable.
   */
  private void dropOldest(long now, boolean goodStanding, long cutoff, int limit) {
    int dropped = 0;
    for (SourceState s : sources.values()) {
      if (dropped >= limit) {
        return;
      }
      synchronized (s) {
        boolean standing = s.inGoodStanding(now);
        if (!s.evicted && standing == goodStanding && (standing ? s.lastSeen : s.forgettableAt) <= cutoff) {
          drop(s);
          dropped++;
        }
      }
    }
  }

  /** Lock held: removes {@code s} from the table and tells holders to look again. */
  private void drop(SourceState s) {
    s.evicted = true;
    sources.remove(s.key, s);
    forgotten.increment();
  }

  /** The {@code k}-th smallest (1-based) of the first {@code n} values. */
  private static long nthSmallest(long[] values, int n, int k) {
    long[] copy = Arrays.copyOf(values, n);
    Arrays.sort(copy);
    return copy[k - 1];
  }

  /** The rate function f(r): share of the full rate and burst allowed at reputation {@code r}. */
  static double rateFactor(int reputation) {
    return Math.max(RATE_FLOOR, reputation / (double) MAX_REPUTATION);
  }

  /** Block length for the {@code n}-th consecutive violation (n >= 1): 2^n seconds, at most 1 hour. */
  static long blockMillis(int n) {
    if (n >= 31) {
      return MAX_BLOCK_MILLIS;
    }
    return Math.min(MAX_BLOCK_MILLIS, BASE_BLOCK_MILLIS << (n - 1));
  }

  private Decision refuse(SourceState s, int events, long remainingMillis) {
    s.addRefused(events);
    refusedTotal.add(events);
    return new Decision(false, Duration.ofMillis(remainingMillis));
  }

  /** Brings the bucket, reputation and backoff up to {@code now}; lock held, not blocked. */
  private void settle(SourceState s, long now) {
    if (now <= s.lastRefill) {
      return; // no time passed, or the clock stepped back
    }
    // Refill for the elapsed time at the rate the source had during it (recovery applies after).
    double factor = rateFactor(s.reputation);
    s.tokens = Math.min(capacity * factor, s.tokens + (now - s.lastRefill) * perSecond * factor / 1000.0);
    s.lastRefill = now;
    if (now < s.blockedUntil) {
      return; // reputation only recovers once the block is over
    }
    if (s.reputation < MAX_REPUTATION) {
      long points = (now - s.cleanSince) / RECOVERY_MILLIS_PER_POINT;
      if (points > 0) {
        s.reputation = (int) Math.min(MAX_REPUTATION, s.reputation + points);
        s.cleanSince += points * RECOVERY_MILLIS_PER_POINT;
      }
    } else {
      s.cleanSince = now;
    }
    if (s.consecutive > 0 && now - s.lastBlockEnd >= BACKOFF_RESET_MILLIS) {
      s.consecutive = 0;
    }
  }

  /** Records a violation at {@code now}; lock held. */
  private Violation violate(SourceState s, long now) {
    long limit = Math.round(perSecond * rateFactor(s.reputation));
    s.reputation = Math.max(0, s.reputation - VIOLATION_PENALTY);
    s.consecutive++;
    s.violations++;
    long block = blockMillis(s.consecutive);
    long end = now + block;
    s.blockedUntil = end;
    s.lastBlockEnd = end;
    s.cleanSince = end;
    s.tokens = Math.min(s.tokens, capacity * rateFactor(s.reputation));
    long recovery = (MAX_REPUTATION - s.reputation) * RECOVERY_MILLIS_PER_POINT;
    s.forgettableAt = end + Math.max(recovery, BACKOFF_RESET_MILLIS);
    return new Violation(s.windowCount, limit, s.violations, s.reputation, block);
  }

  /** What the WARN line reports about a violation. */
  private record Violation(long requested, long limit, long violations, int reputation, long blockMillis) {}
}
