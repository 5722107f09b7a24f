package io.phosor.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.phosor.api.HttpApi;
import io.phosor.api.OpenApi;
import io.phosor.api.StatusRoutes;
import io.phosor.audit.Audit;
import io.phosor.audit.AuditRoutes;
import io.phosor.audit.AuditTrail;
import io.phosor.audit.SecurityCounts;
import io.phosor.auth.AccessTokens;
import io.phosor.auth.Accounts;
import io.phosor.auth.AuthRoutes;
import io.phosor.auth.AuthSettings;
import io.phosor.auth.Authenticator;
import io.phosor.auth.PasswordHasher;
import io.phosor.auth.Secrets;
import io.phosor.auth.TokenAuth;
import io.phosor.auth.StoredIngestTokens;
import io.phosor.auth.IngestTokenRoutes;
import io.phosor.config.ConfigException;
import io.phosor.config.PhosorConfig;
import io.phosor.alert.AlertRoutes;
import io.phosor.alert.AlertService;
import io.phosor.detect.BackfillRoutes;
import io.phosor.detect.DetectRoutes;
import io.phosor.detect.DetectionStage;
import io.phosor.detect.Engine;
import io.phosor.detect.EngineConfig;
import io.phosor.detect.Rule;
import io.phosor.detect.RuleFiles;
import io.phosor.detect.RuleCatalog;
import io.phosor.detect.RuleRoutes;
import io.phosor.detect.RuleSetException;
import io.phosor.search.EventIndex;
import io.phosor.search.IndexSettings;
import io.phosor.search.IndexStage;
import io.phosor.search.SearchRoutes;
import io.phosor.secrets.SecretBox;
import io.phosor.secrets.SecretException;
import io.phosor.secrets.SecretSettings;
import io.phosor.store.Store;
import io.phosor.tls.PemIdentity;
import io.phosor.store.StoreException;
import io.phosor.store.StoreSettings;
import io.phosor.health.Health;
import io.phosor.forward.Forwarders;
import io.phosor.incident.IncidentRoutes;
import io.phosor.incident.IncidentService;
import io.phosor.ingest.file.FileTailer;
import io.phosor.ingest.gelf.GelfServer;
import io.phosor.ingest.http.HttpIngest;
import io.phosor.ingest.syslog.SyslogServer;
import io.phosor.intel.Intel;
import io.phosor.journal.Journal;
import io.phosor.journal.JournalRetention;
import io.phosor.live.LiveFeed;
import io.phosor.live.LiveSettings;
import io.phosor.parse.EventParser;
import io.phosor.pipeline.EventSink;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.redact.Redactor;
import io.phosor.redact.RedactorOptions;
import io.phosor.notify.Integrations;
import io.phosor.respond.Response;
import io.phosor.stats.SourceStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Phosor node: wires the sources, the pipeline and journal, and the HTTP API, and shuts them
 * down gracefully in order (stop accepting, drain the queue, flush the journal).
 */
public final class PhosorServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PhosorServer.class);

  private final PhosorConfig config;
  private final Journal journal;
  private final Pipeline pipeline;
  private final SyslogServer syslog;
  private final GelfServer gelf;
  private final FileTailer files;
  private final HttpApi http;
  private final SourceStats stats;
  private final PrometheusMeterRegistry registry;
  private final String apiToken;
  /** Detection backlog (events) above which indexing waits: a few batches, well under a second of work. */
  static final long DETECTION_FIRST_LAG = 20_000;
  /**
   * Alerts waiting to be stored above which incident grouping and enrichment wait: any. With more (512: one
   * delivery) they took turns at SQLite's one writer with the alert writer and doubled alert latency at 5,000
   * events/s on a quiet machine (BENCHMARKS.md, issue 10).
   */
  static final int ALERTS_FIRST_BACKLOG = 0;
  private final Store store;
  private final PemIdentity httpTls;
  private final Accounts accounts;
  private final StoreWatch storeWatch;
  private final AlertService alerts;
  private final RuleCatalog catalog;
  private DetectionStage detection;
  private final IndexStage indexing;
  private final List<String> ingestTokens;
  private final Health health;
  private final SecretSettings secretSettings;
  private final AuditTrail audit;
  private final SecurityCounts securityCounts;
  private final LiveFeed live;
  private final IncidentService incidents;
  private final Intel intel;
  private final Response response;
  private final Forwarders forwarders;
  private final JournalRetention retention;
  private int httpPort;
  private volatile boolean closed;

  private PhosorServer(PhosorConfig config, AuthSettings authSettings, Clock clock) throws IOException {
    this.config = config;
    // checked before anything is opened: a bad certificate or key stops start-up with one line
    this.httpTls = config.httpTlsEnabled() ? PemIdentity.load(config.httpTlsCert(), config.httpTlsKey(), "HTTPS",
        "PHOSOR_HTTP_TLS_CERT", "PHOSOR_HTTP_TLS_KEY") : null;
    Path data = config.dataDir();
    Files.createDirectories(data);
    if (!Files.isWritable(data)) {
      throw new ConfigException("invalid configuration: PHOSOR_DATA_DIR: directory " + data.toAbsolutePath()
          + " is not writable");
    }
    Secrets secrets = new Secrets(data);
    boolean[] createdApi = new boolean[1];
    this.apiToken = secrets.loadOrCreateToken("api.token", createdApi);
    if (createdApi[0]) {
      LOG.info("generated the API token (for /api and /metrics) in {} (owner-only); read it from there",
          secrets.file("api.token").toAbsolutePath());
    }
    List<String> tokens = new ArrayList<>(config.ingestTokens());
    if (tokens.isEmpty()) {
      boolean[] createdIngest = new boolean[1];
      tokens.add(secrets.loadOrCreateToken("ingest.token", createdIngest));
      if (createdIngest[0]) {
        LOG.info("no PHOSOR_INGEST_TOKENS set: generated an ingest token in {} (owner-only)",
            secrets.file("ingest.token").toAbsolutePath());
      }
    }
    this.ingestTokens = List.copyOf(tokens);
    byte[] jwtKey = authSettings.secretKey() != null ? authSettings.secretKey()
        : secrets.loadOrCreateKey("jwt.key", AccessTokens.MIN_KEY_BYTES);
    AccessTokens accessTokens = new AccessTokens(jwtKey, authSettings.tokenTtl(), clock);
    this.audit = openAudit(config, clock);
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    this.stats = new SourceStats(registry);
    audit.bindTo(registry);
    Store opened;
    try {
      opened = openStore(config, clock);
    } catch (RuntimeException e) {
      audit.close();
      throw e;
    }
    this.store = opened;
    try {
      this.secretSettings = openSecrets(config, store);
      this.alerts = new AlertService(store.alerts(), registry);
      this.catalog = loadRules(config, store, set -> RuleCatalog.into(detection).accept(set));
      this.accounts = new Accounts(store.users(), new PasswordHasher(), accessTokens, audit, clock);
      // playbooks, blocklist and the response engine; the notifiers and the account disabler are plugged in here
      this.response = Response.open(config, store, alerts, audit, registry, clock,
          Integrations.notifiers(config.response(), clock),
          Integrations.accountDisabler(config.response(), clock).orElse(null));
      // The console, not the log: a generated password must not end up in log files.
      accounts.createFirstAdmin(authSettings, System.out);
    } catch (RuntimeException e) {
      store.close();
      audit.close();
      throw e;
    }
    this.journal = Journal.open(data.resolve("journal"), config.journalSegmentBytes());
    // forwarding to other tools: destinations from forwarders.yml, each with cursors in the store (docs/forwarding.md)
    this.forwarders = Forwarders.open(config, store, journal.dir(), journal.lastSyncedSeq(), registry, clock);
    EventParser parser = new EventParser(clock);
    Redactor redactor = new Redactor(config.redact(), new RedactorOptions(config.redactSsnUnseparated()));
    this.pipeline = new Pipeline(config, parser, redactor, journal, stats, registry, clock);
    ReputationLimiter limiter = new ReputationLimiter(config.rateLimitPerSecond(), config.rateLimitBurst(), clock);
    this.syslog = new SyslogServer(config, pipeline, stats, limiter, registry, clock);
    this.gelf = new GelfServer(config.inputs(), pipeline, stats, limiter, registry, clock);
    this.files = new FileTailer(config, pipeline, stats, clock, journal.dir());
    files.keepPositionsIn(new StorePositions(store));
    Engine engine = new Engine(EngineConfig.DEFAULTS, clock);
    engine.setRules(catalog.rules());
    this.detection = new DetectionStage(engine, journal.dir(), journal.lastSyncedSeq(), config.detectQueueCapacity(),
        alerts, data.resolve("baselines.json"), registry, clock);
    detection.keepBaselinesIn(new DetectionStage.BaselineKeeper() {
      @Override
      public Map<String, Object> load() {
        return store.baselines().load();
      }

      @Override
      public void save(Map<String, Object> baselines) {
        store.baselines().put(baselines);
      }
    });
    pipeline.addSink(detection);
    if (config.searchEnabled()) {
      EventIndex index = EventIndex.open(data.resolve("index"), IndexSettings.defaults()
          .withRetentionDays(config.retentionDays()), clock);
      this.indexing = new IndexStage(index, journal.dir(), journal.lastSyncedSeq(), config.queueCapacity(), registry,
          clock);
      pipeline.addSink(indexing);
      // detection first: on a small machine the indexer waits while detection is behind
      indexing.yieldWhile(() -> detection.lagEvents() > DETECTION_FIRST_LAG);
    } else {
      this.indexing = null;
    }
    ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    StoredIngestTokens storedTokens = new StoredIngestTokens(store.ingestTokens(), clock);
    TokenAuth machineTokens = new TokenAuth(ingestTokens, apiToken, storedTokens);
    this.http = new HttpApi(new Authenticator(machineTokens, accessTokens, accounts, audit), audit,
        config.httpMaxBodyBytes(), mapper, config.corsOrigins());
    this.securityCounts = new SecurityCounts(stats, audit, clock);
    new AuthRoutes(mapper, accounts).register(http.app());
    new IngestTokenRoutes(mapper, storedTokens, audit).register(http.app());
    new HttpIngest(mapper, pipeline, limiter, stats, clock, machineTokens, config.inputs().otlpMaxDecompressedBytes(),
        registry).register(http.app());
    this.health = new Health();
    health.register("ingest", () -> {
      String why = pipeline.stalled();
      return why == null ? Health.Check.OK : Health.Check.down("ingestion paused: " + why);
    });
    health.register("detection", () -> {
      String why = detection.deliveryProblem();
      return why == null ? Health.Check.OK : Health.Check.degraded(why + " (detection waits; events stay in the journal)");
    });
    StoreWatch watch = new StoreWatch(store);
    this.storeWatch = watch;
    health.register("store", watch::check);
    health.register("audit", () -> audit.problem() == null ? Health.Check.OK
        : Health.Check.degraded(audit.problem() + " (entries wait in memory, then are dropped and counted)"));
    StatusRoutes status = new StatusRoutes(mapper, stats, pipeline, limiter, files, registry, clock,
        journal::lastSyncedSeq, health);
    status.stat("total_alerts", () -> orNull(alerts::total));
    status.stat("active_rules", () -> orNull(catalog::enabledCount));
    status.register(http.app());
    this.live = new LiveFeed(LiveSettings.of(config), http.authenticator(), audit, mapper, status::figures, registry,
        clock);
    live.register(http.app());
    alerts.addListener(live::onAlerts);
    pipeline.addSink(live);
    pipeline.addSink(forwarders);
    alerts.addListener(forwarders::onAlerts);
    forwarders.register(http.app());
    health.register("forward", forwarders::health);
    status.stat("live_clients", live::clientCount);
    // Incidents: alerts grouped on a worker of their own (the alert writer's thread only wakes it).
    this.incidents = new IncidentService(store, config.response().incidentWindow(), live::publish, registry, clock);
    alerts.addListener(incidents::onAlerts);
    // storing alerts first: grouping waits a little while alerts wait to be stored
    incidents.yieldWhile(() -> detection.alertsWaiting() > ALERTS_FIRST_BACKLOG);
    incidents.addListener(response.listener());
    incidents.addListener(forwarders);
    status.stat("open_incidents", () -> orNull(incidents::unresolved));
    health.register("incidents", () -> incidents.problem() == null ? Health.Check.OK
        : Health.Check.degraded(incidents.problem() + " (alerts wait in the store and are grouped when it works)"));
    new IncidentRoutes(mapper, incidents, store.users(), audit).register(http.app());
    new AlertRoutes(alerts, catalog::falsePositives).register(http.app());
    new RuleRoutes(mapper, catalog).register(http.app());
    new DetectRoutes(mapper, catalog::rules, catalog::parseOne).register(http.app());
    new AuditRoutes(audit).register(http.app());
    // the dashboard's static files (public: they hold no data; the page calls the API with the user's token)
    new io.phosor.dashboard.DashboardRoutes(PhosorServer.class.getClassLoader()).register(http.app());
    // threat intelligence: indicator files, the ingest hook (threat.indicator.*), alert enrichment, /api/intel
    this.intel = new Intel(config.response(), data, store.alerts(), live, audit, registry, clock);
    pipeline.enrichWith(intel.eventEnricher());
    alerts.addListener(intel::onAlerts);
    intel.yieldWhile(() -> detection.alertsWaiting() > ALERTS_FIRST_BACKLOG);
    intel.register(http.app());
    health.register("intel", intel::health);
    if (indexing != null) {
      health.register("index", () -> indexing.problem() == null ? Health.Check.OK
          : Health.Check.degraded(indexing.problem() + " (events stay in the journal and are indexed when it works)"));
      new SearchRoutes(indexing.index(), clock).register(http.app());
      BackfillRoutes backfill = new BackfillRoutes(indexing.index(), catalog::rules);
      backfill.register(http.app());
      response.register(http.app(), mapper, backfill, incidents);
    } else {
      SearchRoutes.registerDisabled(http.app());
      response.register(http.app(), mapper, null, incidents);
    }
    // old journal segments go once every consumer that may read them back is durably past them (docs/storage.md)
    this.retention = new JournalRetention(journal.dir(), new JournalRetention.Policy(config.journalRetention(),
        config.journalMaxBytes()), registry, clock);
    retention.hold("detection", () -> detection.journalFloor());
    if (indexing != null) {
      retention.hold("search index", indexing::journalFloor);
    }
    retention.hold("file tailing", files::journalFloor);
    retention.hold("forwarding", forwarders::journalFloor);
    OpenApi.register(http.app(), mapper);
  }

  /** Opens the relational store (migrating it); a database that cannot be reached or migrated stops start-up. */
  private static Store openStore(PhosorConfig config, Clock clock) {
    String url = config.databaseUrl().isEmpty() ? null : config.databaseUrl();
    try {
      Store st = Store.open(StoreSettings.of(url, config.dataDir()).withPoolSize(config.databasePoolSize()), clock);
      LOG.info("store: {} (schema version {})", st.describe(), st.schemaVersion());
      return st;
    } catch (StoreException e) {
      throw new ConfigException("cannot open the database (PHOSOR_DATABASE_URL / DATABASE_URL): " + e.getMessage());
    }
  }

  /**
   * The secrets stored in the database, checked now: a stored secret that the key in force cannot decrypt
   * (wrong key, no key) stops start-up with a message saying what to do.
   */
  private static SecretSettings openSecrets(PhosorConfig config, Store store) {
    SecretBox box = config.encryptionKey() == null ? null : new SecretBox(config.encryptionKey());
    SecretSettings secrets = new SecretSettings(store.settings(), box);
    int n;
    try {
      n = secrets.checkReadable();
    } catch (SecretException e) {
      throw new ConfigException("cannot read the stored secrets: " + e.getMessage());
    }
    if (box == null) {
      LOG.info("secrets at rest: no PHOSOR_ENCRYPTION_KEY set, so no secret can be stored (see docs/secrets.md)");
    } else {
      LOG.info("secrets at rest: {} stored secret(s), AES-256-GCM under key id {}", n, box.keyId());
    }
    return secrets;
  }

  /** Opens the audit trail in {@code <data_dir>/audit}; a directory that cannot be used stops start-up. */
  private static AuditTrail openAudit(PhosorConfig config, Clock clock) {
    Path dir = config.dataDir().resolve("audit");
    try {
      return AuditTrail.open(dir, config.auditQueueCapacity(), clock);
    } catch (IOException e) {
      throw new ConfigException("cannot open the audit log in " + dir.toAbsolutePath() + ": " + e.getMessage());
    }
  }

  /**
   * The rules in force: the built-in pack (unless PHOSOR_BUILTIN_RULES=false), every rule file in the rules
   * directory (a rule there replaces a built-in rule with the same id), and the rules managed through the API.
   * A bad built-in or file rule stops start-up with one line.
   */
  private static RuleCatalog loadRules(PhosorConfig config, Store store, Consumer<List<Rule>> apply) {
    Path dir = config.effectiveRulesDir();
    try {
      List<RuleFiles.Loaded> builtin = config.builtinRules() ? RuleFiles.builtin() : List.of();
      Path mappingFile = config.dataDir().resolve("sigma-mapping.yml");
      io.phosor.sigma.SigmaMapping sigma;
      try {
        sigma = Files.isRegularFile(mappingFile) ? io.phosor.sigma.SigmaMapping.load(mappingFile)
            : io.phosor.sigma.SigmaMapping.defaults();
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid Sigma mapping: " + e.getMessage());
      }
      List<RuleFiles.Loaded> mine = Files.isDirectory(dir) ? RuleFiles.load(dir, sigma) : List.of();
      List<RuleFiles.Loaded> all = RuleFiles.combine(builtin, mine);
      RuleFiles.compile(all);
      RuleCatalog catalog = new RuleCatalog(builtin, mine, RuleFiles.singleRuleSources(all), store.rules(),
          store.settings(), apply, sigma);
      List<Rule> rules = catalog.rules();
      LOG.info("detection: {} rules ({} built-in{}, {} from {}, {} through the API)", rules.size(), builtin.size(),
          config.builtinRules() ? "" : ", disabled by PHOSOR_BUILTIN_RULES", mine.size(), dir.toAbsolutePath(),
          rules.size() - all.size());
      return catalog;
    } catch (RuleSetException e) {
      throw new ConfigException("invalid rules: " + e.getMessage());
    }
  }

  private static Object orNull(java.util.function.Supplier<?> s) {
    try {
      return s.get();
    } catch (StoreException e) {
      return null;
    }
  }

  /** Starts a node with {@code config} and default account settings (see {@link #start(PhosorConfig, AuthSettings, Clock)}). */
  public static PhosorServer start(PhosorConfig config, Clock clock) throws IOException, InterruptedException {
    return start(config, AuthSettings.defaults(), clock);
  }

  /**
   * Starts a node with {@code config} and {@code authSettings} (token key and lifetime, first admin password);
   * on failure everything already started is stopped again.
   */
  public static PhosorServer start(PhosorConfig config, AuthSettings authSettings, Clock clock)
      throws IOException, InterruptedException {
    PhosorServer s = new PhosorServer(config, authSettings, clock);
    try {
      s.detection.start();
      if (s.indexing != null) {
        s.indexing.start();
      }
      s.live.start();
      s.incidents.start();
      s.intel.start();
      s.response.start();
      s.forwarders.start();
      s.pipeline.start();
      s.files.start();
      s.retention.start();
      s.syslog.start();
      s.gelf.start();
      s.securityCounts.start();
      try {
        s.httpPort = s.http.start(config.httpHost(), config.httpPort(), s.httpTls);
      } catch (RuntimeException e) {
        throw new ConfigException("cannot listen on HTTP " + config.httpHost() + ":" + config.httpPort()
            + " (PHOSOR_HTTP_PORT): " + rootMessage(e));
      }
    } catch (RuntimeException | InterruptedException e) {
      s.close();
      throw e;
    }
    s.audit.record(AuditTrail.SYSTEM, null, null, "server.start", null, "success", null);
    LOG.info("Phosor is up: {} on {}:{}, syslog UDP/TCP on {}{}, data in {}", config.httpTlsEnabled() ? "HTTPS"
        : "HTTP", config.httpHost(), s.httpPort,
        s.syslog.udpPort() < 0 ? "(off)" : Integer.toString(s.syslog.udpPort()),
        (s.syslog.tlsPort() > 0 ? ", syslog TLS on " + s.syslog.tlsPort() : "")
            + (s.gelf.udpPort() > 0 ? ", GELF UDP/TCP on " + s.gelf.udpPort() : ""), config.dataDir().toAbsolutePath());
    return s;
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage() == null ? r.toString() : r.getMessage();
  }

  /** Attaches a consumer of journaled events (detection, indexing, live feed). */
  public void addSink(EventSink sink) {
    pipeline.addSink(sink);
  }

  /** The bound HTTP port. */
  public int httpPort() {
    return httpPort;
  }

  /** The bound syslog UDP port, or -1. */
  public int syslogUdpPort() {
    return syslog.udpPort();
  }

  /** The bound syslog TCP port, or -1. */
  public int syslogTcpPort() {
    return syslog.tcpPort();
  }

  /** The bound GELF UDP port, or -1. */
  public int gelfUdpPort() {
    return gelf.udpPort();
  }

  /** The bound GELF TCP port, or -1. */
  public int gelfTcpPort() {
    return gelf.tcpPort();
  }

  /** The bound syslog TLS port, or -1. */
  public int syslogTlsPort() {
    return syslog.tlsPort();
  }

  /** Journal retention (its consumers and a check on demand). */
  public JournalRetention journalRetention() {
    return retention;
  }

  /** The API token (management routes). */
  public String apiToken() {
    return apiToken;
  }

  /** The user accounts. */
  public Accounts accounts() {
    return accounts;
  }

  /** The HTTP server (its routes, its authenticator). */
  public HttpApi http() {
    return http;
  }

  /** The ingest tokens in force. */
  public List<String> ingestTokens() {
    return ingestTokens;
  }

  /** The configuration the node runs with. */
  public PhosorConfig config() {
    return config;
  }

  /** The alerts: stored, listed, acknowledged. */
  public AlertService alerts() {
    return alerts;
  }

  /** The detection stage. */
  public DetectionStage detection() {
    return detection;
  }

  /** The audit trail: features record security events through it. */
  public Audit audit() {
    return audit;
  }

  /** The periodic audit summaries of PII findings and rate-limited events per source. */
  public SecurityCounts securityCounts() {
    return securityCounts;
  }

  /** The secrets stored in the database, encrypted under {@code PHOSOR_ENCRYPTION_KEY}. */
  public SecretSettings secrets() {
    return secretSettings;
  }

  /** The relational store. */
  public Store store() {
    return store;
  }

  /** Playbooks, the response engine and the blocklist. */
  public Response response() {
    return response;
  }

  /** The live feed ({@code /ws/events}). */
  public LiveFeed live() {
    return live;
  }

  /** The incidents: grouping of alerts, changes, listeners. */
  public IncidentService incidents() {
    return incidents;
  }

  /** Threat intelligence: indicator files, reputation look-ups, alert enrichment. */
  public Intel intel() {
    return intel;
  }

  /** Forwarding to other tools (Splunk HEC, syslog/CEF, OpenSearch). */
  public Forwarders forwarders() {
    return forwarders;
  }

  /** The per-source counters. */
  public SourceStats stats() {
    return stats;
  }

  /**
   * Graceful shutdown: stop the listeners and tails, refuse new HTTP events, drain the queue into the
   * journal and force it, then stop HTTP.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    LOG.info("shutting down: stopping sources, draining {} queued events", pipeline.depth());
    retention.close();
    try {
      syslog.close();
    } catch (RuntimeException e) {
      LOG.warn("closing syslog listeners: {}", e.toString());
    }
    try {
      gelf.close();
    } catch (RuntimeException e) {
      LOG.warn("closing GELF listeners: {}", e.toString());
    }
    try {
      files.close();
    } catch (RuntimeException e) {
      LOG.warn("closing file tails: {}", e.toString());
    }
    pipeline.shutdown(config.shutdownTimeout());
    detection.close(config.shutdownTimeout());
    if (indexing != null) {
      indexing.close(config.shutdownTimeout());
    }
    incidents.close();
    intel.close();
    live.close();
    response.close();
    forwarders.close(config.shutdownTimeout());
    storeWatch.close();
    store.close();
    try {
      http.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping HTTP: {}", e.toString());
    }
    securityCounts.close();
    audit.record(AuditTrail.SYSTEM, null, null, "server.stop", null, "success", null);
    audit.close();
    LOG.info("shut down; journal flushed up to event {}", journal.lastSyncedSeq());
  }
}
