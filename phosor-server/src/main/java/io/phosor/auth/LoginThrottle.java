package io.phosor.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Slows down password guessing, separately per account and per client address. From the
 * {@code freeFailures}-th failed login within {@code window} (counted from the last failure) on, each
 * failure blocks the key for {@code base * 2^(failures - freeFailures)}, at most {@code maxDelay}: with the
 * account policy the fifth failure blocks one second, the sixth two, the fifteenth about 17 minutes (capped
 * at 15). A blocked attempt is answered 429 without checking the password, so it costs the server nothing
 * and does not grow the delay. A successful login clears the account's count (not the address's: one
 * good password does not excuse a spray from the same address).
 *
 * <p>State is bounded: at most {@code maxKeys} accounts and as many addresses (Caffeine, least valuable
 * evicted first), and a key is forgotten {@code window + maxDelay} after its last failure.
 */
final class LoginThrottle {
  /** How a kind of key is slowed down. */
  record Policy(int freeFailures, Duration base, Duration maxDelay, Duration window) {
    Policy {
      if (freeFailures < 1) {
        throw new IllegalArgumentException("freeFailures must be >= 1, was " + freeFailures);
      }
    }
  }

  /** Five tries per account before any delay: enough for typos and a caps-lock. */
  static final Policy ACCOUNT = new Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(15));
  /** Twenty per address: several people behind one NAT may mistype at once. */
  static final Policy ADDRESS = new Policy(20, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(15));
  /** Keys remembered per kind; each is a few dozen bytes. */
  static final int MAX_KEYS = 100_000;
  /** Longer user names are not real accounts (the store allows 100); their keys are cut to this. */
  private static final int MAX_KEY_CHARS = 128;

  private record Failures(int count, long lastMillis, long blockedUntilMillis) {}

  private final Clock clock;
  private final Policy accountPolicy;
  private final Policy addressPolicy;
  private final Cache<String, Failures> accounts;
  private final Cache<String, Failures> addresses;

  /** The production policies with time from {@code clock}. */
  LoginThrottle(Clock clock) {
    this(clock, ACCOUNT, ADDRESS, MAX_KEYS);
  }

  LoginThrottle(Clock clock, Policy accountPolicy, Policy addressPolicy, int maxKeys) {
    this.clock = clock;
    this.accountPolicy = accountPolicy;
    this.addressPolicy = addressPolicy;
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    this.accounts = cache(accountPolicy, maxKeys, ticker);
    this.addresses = cache(addressPolicy, maxKeys, ticker);
  }

  private static Cache<String, Failures> cache(Policy p, int maxKeys, Ticker ticker) {
    return Caffeine.newBuilder().maximumSize(maxKeys).ticker(ticker)
        .expireAfterWrite(p.window().plus(p.maxDelay())).build();
  }

  /** Whole seconds until {@code account} from {@code address} may try again; 0 when it may try now. */
  long retryAfterSeconds(String account, String address) {
    long now = clock.millis();
    long wait = Math.max(blockedFor(accounts.getIfPresent(key(account)), now),
        address == null ? 0 : blockedFor(addresses.getIfPresent(address), now));
    return wait <= 0 ? 0 : (wait + 999) / 1000;
  }

  /** Counts a failed login of {@code account} from {@code address}. */
  void failed(String account, String address) {
    long now = clock.millis();
    accounts.asMap().compute(key(account), (k, f) -> next(f, accountPolicy, now));
    if (address != null) {
      addresses.asMap().compute(address, (k, f) -> next(f, addressPolicy, now));
    }
  }

  /** Forgets the failures of {@code account} after a successful login. */
  void succeeded(String account) {
    accounts.invalidate(key(account));
  }

  /** Keys held now, accounts and addresses together (for tests of the bound). */
  long size() {
    accounts.cleanUp();
    addresses.cleanUp();
    return accounts.estimatedSize() + addresses.estimatedSize();
  }

  private static long blockedFor(Failures f, long now) {
    return f == null ? 0 : f.blockedUntilMillis() - now;
  }

  private static Failures next(Failures f, Policy p, long now) {
    int count = f == null || now - f.lastMillis() > p.window().toMillis() ? 1 : f.count() + 1;
    long blockedUntil = now;
    if (count >= p.freeFailures()) {
      int doublings = Math.min(count - p.freeFailures(), 30);
      long delay = Math.min(p.maxDelay().toMillis(), p.base().toMillis() << doublings);
      blockedUntil = now + delay;
    }
    return new Failures(count, now, blockedUntil);
  }

  private static String key(String account) {
    String k = account == null ? "" : account.strip().toLowerCase(Locale.ROOT);
    return k.length() > MAX_KEY_CHARS ? k.substring(0, MAX_KEY_CHARS) : k;
  }
}
