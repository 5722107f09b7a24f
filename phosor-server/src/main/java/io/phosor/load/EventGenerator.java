package io.phosor.load;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Realistic sshd, sudo and nginx events, each carrying a run id, a sequence number and the wall-clock
 * send time ({@code run=... seq=... sent_ns=...}) so that later tools can measure latency and find lost
 * events. Seeded: the same seed gives the same mix. Not thread-safe (one per run).
 */
final class EventGenerator {
  /** RFC 3164 timestamp: "Jan  1 00:00:00" (day padded with a space, as real daemons write it). */
  private static final DateTimeFormatter RFC3164 =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  /** nginx's $time_local. */
  private static final DateTimeFormatter NGINX =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private static final String[] HOSTS = {"web-01", "web-02", "bastion", "db-01", "ci-runner-3"};
  private static final String[] USERS = {"root", "admin", "alice", "bob", "deploy", "oracle", "test", "ubuntu"};
  private static final String[] PATHS = {"/", "/login", "/api/v1/items?page=2", "/wp-login.php", "/static/app.js",
      "/api/v1/orders/1042", "/.env", "/health"};
  private static final int[] STATUSES = {200, 200, 200, 200, 304, 301, 404, 401, 500};
  private static final String[] AGENTS = {"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
      "curl/8.5.0", "python-requests/2.31.0", "Go-http-client/1.1"};
  private static final String[] COMMANDS = {"/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update",
      "/bin/cat /etc/shadow", "/usr/bin/journalctl -u sshd"};

  private final SplittableRandom random;
  private final Clock clock;
  private final String runId;
  private long cachedSecond = Long.MIN_VALUE;
  private String cachedStamp;
  private String cachedNginxStamp;

  EventGenerator(long seed, Clock clock, String runId) {
    this.random = new SplittableRandom(seed);
    this.clock = clock;
    this.runId = runId;
  }

  /** Text every marker event carries; the marker rule matches it ({@link MarkerProbe#RULE_ID}). */
  static final String MARKER_TEXT = "phosor-load-marker";

  /** The next event, stamped with sequence number {@code seq} and the current wall-clock time. */
  SampleEvent next(long seq) {
    return next(seq, false);
  }

  /**
   * The next event; a {@code marker} is a {@link #MARKER_TEXT} event stamped with the current wall-clock time
   * truncated to the millisecond, which it also carries as its event time. Markers draw nothing from the
   * random sequence, so the other events are the same with or without markers.
   */
  SampleEvent next(long seq, boolean marker) {
    if (marker) {
      long millis = clock.millis();
      long sentNanos = millis * 1_000_000L;
      return new SampleEvent(seq, sentNanos, 14, null, HOSTS[(int) (seq % HOSTS.length)], "phosor-load", 0,
          MARKER_TEXT + " run=" + runId + " seq=" + seq + " sent_ns=" + sentNanos, null, null, runId, true);
    }
    Instant now = clock.instant();
    long sentNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    if (now.getEpochSecond() != cachedSecond) {
      cachedSecond = now.getEpochSecond();
      cachedStamp = RFC3164.format(now);
      cachedNginxStamp = NGINX.format(now);
    }
    String host = pick(HOSTS);
    String ip = externalIp();
    String user = pick(USERS);
    int pid = 1_000 + random.nextInt(60_000);
    int roll = random.nextInt(100);
    String program;
    int pri;
    String text;
    if (roll < 30) {
      program = "sshd";
      pri = 38; // auth.info
      boolean invalid = random.nextInt(3) == 0;
      text = "Failed password for " + (invalid ? "invalid user " : "") + user + " from " + ip + " port "
          + port() + " ssh2";
    } else if (roll < 40) {
      program = "sshd";
      pri = 38;
      text = "Invalid user " + user + " from " + ip + " port " + port();
    } else if (roll < 55) {
      program = "sshd";
      pri = 38;
      ip = "10.0." + random.nextInt(8) + "." + (1 + random.nextInt(254));
      text = "Accepted publickey for " + user + " from " + ip + " port " + port() + " ssh2: ED25519 SHA256:"
          + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    } else if (roll < 65) {
      program = "sudo";
      pri = 85; // authpriv.notice
      ip = null;
      text = user + " : TTY=pts/" + random.nextInt(4) + " ; PWD=/home/" + user + " ; USER=root ; COMMAND="
          + pick(COMMANDS);
    } else {
      program = "nginx";
      pri = 190; // local7.info
      user = null;
      text = ip + " - - [" + cachedNginxStamp + "] \"GET " + pick(PATHS) + " HTTP/1.1\" "
          + STATUSES[random.nextInt(STATUSES.length)] + " " + random.nextInt(20_000) + " \"-\" \"" + pick(AGENTS)
          + "\"";
    }
    text = text + " run=" + runId + " seq=" + seq + " sent_ns=" + sentNanos;
    return new SampleEvent(seq, sentNanos, pri, cachedStamp, host, program, program.equals("sudo") ? 0 : pid,
        text, ip, user, runId, false);
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  private int port() {
    return 32_768 + random.nextInt(28_000);
  }

  /** Documentation ranges (RFC 5737) and a few busy prefixes, so per-IP rules have repeat offenders. */
  private String externalIp() {
    return switch (random.nextInt(3)) {
      case 0 -> "203.0.113." + (1 + random.nextInt(20));
      case 1 -> "198.51.100." + (1 + random.nextInt(254));
      default -> "192.0.2." + (1 + random.nextInt(254));
    };
  }
}
