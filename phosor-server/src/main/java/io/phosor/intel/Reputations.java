package io.phosor.intel;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local matches plus remote answers for one address. Each service's answers are cached one hour (Caffeine,
 * timed by the injected clock); a failed look-up is cached one minute, so a service that is down is not asked
 * again for every alert while still being retried soon. Remote look-ups of all services together stay within
 * the {@link LookupBudget}; over it a service is not asked and the answer says {@code rate_limited} (not
 * cached). A 429 from a service pauses it for its Retry-After (at most an hour). Private and reserved
 * addresses are never sent.
 */
final class Reputations implements IpReputation {
  private static final Logger LOG = LoggerFactory.getLogger(Reputations.class);
  /** How long an answer is kept (the figure; reputations change slowly). */
  static final Duration ANSWER_TTL = Duration.ofHours(1);
  /** How long a failure is kept: long enough not to hammer a broken service, short enough to recover soon. */
  static final Duration FAILURE_TTL = Duration.ofMinutes(1);
  /** Addresses cached per service: an hour of look-ups at the highest budget stays far below. */
  static final long CACHE_SIZE = 100_000;
  /** Longest pause a service's Retry-After can impose. */
  static final long MAX_PAUSE_SECONDS = 3600;

  private final Supplier<IndicatorIndex> index;
  private final List<RemoteService> services;
  private final Map<String, Cache<String, Reputation.Answer>> caches = new HashMap<>();
  private final Map<String, Long> pausedUntil = new java.util.concurrent.ConcurrentHashMap<>();
  private final LookupBudget budget;
  private final Clock clock;
  private final MeterRegistry registry;

  /** Local matches from {@code index}; {@code abuseIpDb} and {@code otx} may be null (no key). */
  Reputations(Supplier<IndicatorIndex> index, AbuseIpDb abuseIpDb, Otx otx, LookupBudget budget,
      MeterRegistry registry, Clock clock) {
    this.index = index;
    List<RemoteService> s = new ArrayList<>();
    if (abuseIpDb != null) {
      s.add(abuseIpDb);
    }
    if (otx != null) {
      s.add(otx);
    }
    this.services = List.copyOf(s);
    this.budget = budget;
    this.clock = clock;
    this.registry = registry;
    for (RemoteService r : services) {
      caches.put(r.name(), Caffeine.newBuilder().maximumSize(CACHE_SIZE)
          .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
          .expireAfter(new Expiry<String, Reputation.Answer>() {
            @Override
            public long expireAfterCreate(String key, Reputation.Answer value, long currentTime) {
              return (value.ok() ? ANSWER_TTL : FAILURE_TTL).toNanos();
            }

            @Override
            public long expireAfterUpdate(String key, Reputation.Answer value, long currentTime, long currentDuration) {
              return expireAfterCreate(key, value, currentTime);
            }

            @Override
            public long expireAfterRead(String key, Reputation.Answer value, long currentTime, long currentDuration) {
              return currentDuration;
            }
          }).build());
      for (String outcome : List.of("ok", "error", "rate_limited", "cached", "not_sent")) {
        counter(r.name(), outcome);
      }
    }
  }

  private Counter counter(String service, String outcome) {
    return Counter.builder("phosor_intel_lookups").description("Reputation look-ups by service and outcome (ok and "
        + "error went out; cached, rate_limited and not_sent did not)").tag("service", service).tag("outcome", outcome)
        .register(registry);
  }

  /** Whether any remote service is configured. */
  boolean remote() {
    return !services.isEmpty();
  }

  /** The budget shared by the services. */
  LookupBudget budget() {
    return budget;
  }

  @Override
  public Reputation lookup(String ip) {
    Ip.Block b = Ip.parseAddress(ip);
    if (b == null) {
      throw new IllegalArgumentException("'" + IndicatorParsers.abbreviate(String.valueOf(ip))
          + "' is not an IPv4 or IPv6 address");
    }
    return lookup(b, true);
  }

  /** The local matches, and the remote answers when {@code remote} (else only what is cached). */
  Reputation lookup(Ip.Block ip, boolean remote) {
    List<Map<String, Object>> local = new ArrayList<>();
    for (IndicatorIndex.Match m : index.get().matches(ip, clock.millis())) {
      local.add(m.toJson());
    }
    Reputation.Answer abuse = null;
    Reputation.Answer otx = null;
    for (RemoteService s : services) {
      Reputation.Answer a = ask(s, ip, remote);
      if (s instanceof AbuseIpDb) {
        abuse = a;
      } else {
        otx = a;
      }
    }
    return new Reputation(ip.text(), local, abuse, otx);
  }

  private Reputation.Answer ask(RemoteService s, Ip.Block ip, boolean remote) {
    if (!SpecialAddresses.isPublic(ip)) {
      counter(s.name(), "not_sent").increment();
      return new Reputation.Answer("not_sent", null, "a private or reserved address is never sent to " + s.name(),
          null, false);
    }
    Cache<String, Reputation.Answer> cache = caches.get(s.name());
    String key = ip.text();
    Reputation.Answer hit = cache.getIfPresent(key);
    if (hit != null) {
      counter(s.name(), "cached").increment();
      return hit.fromCache();
    }
    if (!remote) {
      return new Reputation.Answer("not_sent", null, "not looked up", null, false);
    }
    Long paused = pausedUntil.get(s.name());
    if (paused != null && clock.millis() < paused) {
      counter(s.name(), "rate_limited").increment();
      return new Reputation.Answer("rate_limited", null, s.name() + " asked to wait until "
          + Instant.ofEpochMilli(paused), null, false);
    }
    if (!budget.tryAcquire()) {
      counter(s.name(), "rate_limited").increment();
      return new Reputation.Answer("rate_limited", null, "rate limited: the budget of " + budget.perMinute()
          + " remote look-ups per minute (PHOSOR_INTEL_LOOKUPS_PER_MINUTE) is spent", null, false);
    }
    Reputation.Answer a;
    try {
      a = new Reputation.Answer("ok", s.lookup(ip), null, clock.instant(), false);
      counter(s.name(), "ok").increment();
    } catch (RemoteService.LookupException e) {
      counter(s.name(), "error").increment();
      if (e.retryAfterSeconds() > 0) {
        pausedUntil.put(s.name(), clock.millis() + 1000 * Math.min(e.retryAfterSeconds(), MAX_PAUSE_SECONDS));
        LOG.warn("intel: {}", e.getMessage());
        return new Reputation.Answer("rate_limited", null, e.getMessage(), null, false);
      }
      LOG.warn("intel: look-up failed: {}", e.getMessage());
      a = new Reputation.Answer("error", null, e.getMessage(), clock.instant(), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reputation.Answer("error", null, "interrupted (shutting down)", null, false);
    }
    cache.put(key, a);
    return a;
  }
}
