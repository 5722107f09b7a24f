package io.phosor.intel;

import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.alert.AlertRoutes;
import io.phosor.audit.Audit;
import io.phosor.config.ResponseConfig;
import io.phosor.health.Health;
import io.phosor.live.LiveFeed;
import io.phosor.pipeline.EventEnricher;
import io.phosor.store.Alerts;
import io.phosor.store.StoredAlert;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threat intelligence (SPEC section 6): local indicator files kept loaded, the ingest hook that tags events
 * from listed addresses ({@code threat.indicator.*}, which the built-in rule {@code known-bad-ip} alerts on),
 * AbuseIPDB and AlienVault OTX look-ups, alert enrichment, and {@code /api/intel}. See docs/threat-intel.md.
 */
public final class Intel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Intel.class);
  /** Longest wait for a remote answer: a slow service delays only the enrichment worker. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Longest wait to connect to a remote service. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final IndicatorFiles files;
  private final IndicatorMatcher matcher;
  private final Reputations reputations;
  private final AlertEnricher enricher;
  private final HttpClient http;
  private final Audit audit;
  private final ResponseConfig config;

  /**
   * Loads the indicator files of {@code config.effectiveIntelDir(dataDir)} (creating the default directory),
   * and prepares the remote clients and the enrichment worker; {@link #start()} starts the reloader and worker.
   */
  public Intel(ResponseConfig config, Path dataDir, Alerts alerts, LiveFeed live, Audit audit, MeterRegistry registry,
      Clock clock) {
    this.config = config;
    this.audit = audit;
    Path dir = config.effectiveIntelDir(dataDir);
    if (config.intelDir() == null) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        LOG.warn("intel: cannot create {}: {}", dir, e.getMessage());
      }
    }
    this.files = new IndicatorFiles(dir, config.intelReloadInterval(), registry, clock);
    files.scan();
    this.matcher = new IndicatorMatcher(files::index, clock, registry);
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
        .build();
    AbuseIpDb abuse = config.abuseIpDbKey() == null ? null
        : new AbuseIpDb(config.abuseIpDbUrl(), config.abuseIpDbKey(), http, REQUEST_TIMEOUT);
    Otx otx = config.otxKey() == null ? null : new Otx(config.otxUrl(), config.otxKey(), http, REQUEST_TIMEOUT);
    this.reputations = new Reputations(files::index, abuse, otx,
        new LookupBudget(config.intelLookupsPerMinute(), clock), registry, clock);
    AlertEnricher.Store enrichments = new AlertEnricher.Store() {
      @Override
      public StoredAlert enrich(long id, String json) {
        return alerts.enrich(id, json);
      }

      @Override
      public List<StoredAlert> enrichAll(Map<Long, String> jsonById) {
        return alerts.enrichAll(jsonById);
      }
    };
    this.enricher = new AlertEnricher(reputations, enrichments, (stored, enrichment) -> {
      if (live != null) {
        live.publish("alert_enriched", AlertRoutes.toJson(stored));
      }
    }, registry);
    LOG.info("intel: {} address blocks from {} ({} files); remote look-ups: {}", files.index().size(), dir,
        files.status().size(), remoteNames(abuse, otx));
  }

  private static String remoteNames(AbuseIpDb abuse, Otx otx) {
    if (abuse == null && otx == null) {
      return "none (no PHOSOR_ABUSEIPDB_KEY or PHOSOR_OTX_KEY)";
    }
    return (abuse != null ? "AbuseIPDB" : "") + (abuse != null && otx != null ? " and " : "")
        + (otx != null ? "AlienVault OTX" : "");
  }

  /** The ingest hook (Pipeline.enrichWith). */
  public EventEnricher eventEnricher() {
    return matcher;
  }

  /**
   * Gives way to storing alerts: while {@code busy} says so (the alert writer is behind), the enrichment worker waits a
   * little before each store transaction (SQLite has one writer; alerts come first).
   */
  public void yieldWhile(java.util.function.BooleanSupplier busy) {
    enricher.yieldWhile(busy);
  }

  /** The alert listener (AlertService.addListener): queues, never blocks. */
  public void onAlerts(List<StoredAlert> fresh) {
    enricher.onAlerts(fresh);
  }

  /** Reputation look-ups for other features. */
  public IpReputation reputation() {
    return reputations;
  }

  /** The health of the indicator files: degraded while a file cannot be loaded. */
  public Health.Check health() {
    String p = files.problem();
    return p == null ? Health.Check.OK : Health.Check.degraded(p + " (the other files, and the previous version of "
        + "this one, stay in use)");
  }

  /** Registers {@code GET /api/intel/ip/{ip}} and {@code GET /api/intel/sources}. */
  public void register(Javalin app) {
    new IntelRoutes(files, reputations, audit, config).register(app);
  }

  /** Starts the reloader and the enrichment worker. */
  public void start() {
    files.start();
    enricher.start();
  }

  /** Reloads the indicator files now (tests, and an operator's tooling later). */
  public void reload() {
    files.scan();
  }

  /** Alerts waiting for enrichment. */
  public int backlog() {
    return enricher.backlog();
  }

  /** Stops the reloader and the worker (before the store closes). */
  @Override
  public void close() {
    files.close();
    enricher.close();
    http.close();
  }

  /** For tests: the number of address blocks loaded. */
  int entries() {
    return files.index().size();
  }

  /** For the routes. */
  static Map<String, Object> remoteJson(ResponseConfig config, Reputations r) {
    return Map.of("abuseipdb", config.abuseIpDbKey() != null, "otx", config.otxKey() != null,
        "lookups_per_minute", r.budget().perMinute(), "lookups_left", r.budget().remaining());
  }
}
