package io.phosor.respond;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.alert.AlertService;
import io.phosor.audit.Audit;
import io.phosor.auth.Secrets;
import io.phosor.config.ConfigException;
import io.phosor.config.PhosorConfig;
import io.phosor.detect.BackfillRoutes;
import io.phosor.incident.IncidentListener;
import io.phosor.incident.IncidentService;
import io.phosor.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Response, wired: the playbooks of {@code <data_dir>/playbooks}, the blocklist with its feed token and expiry sweep,
 * and the response engine that listens to incidents. The server builds it once, registers its routes, gives
 * {@link #listener()} to the incident service, starts it, and closes it before the store.
 */
public final class Response implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Response.class);

  private final Playbooks playbooks;
  private final BlockService blocks;
  private final ResponseEngine engine;
  private final AlertService alerts;
  private final Audit audit;
  private final String feedToken;
  private final MeterRegistry registry;
  private final Store store;

  private Response(Playbooks playbooks, BlockService blocks, ResponseEngine engine, AlertService alerts, Audit audit,
      String feedToken, MeterRegistry registry, Store store) {
    this.store = store;
    this.playbooks = playbooks;
    this.blocks = blocks;
    this.engine = engine;
    this.alerts = alerts;
    this.audit = audit;
    this.feedToken = feedToken;
    this.registry = registry;
  }

  /**
   * Loads the playbooks (writing the defaults at first start) and the feed token (generating it at first start),
   * and builds the engine; nothing runs until {@link #start()}.
   *
   * @param notifiers the notification channels by name ("slack", ...); a channel not here is "not configured"
   * @param disabler the account disabler, or null when none is configured
   * @throws ConfigException naming the file when a playbook is invalid, or when the data directory cannot be used
   */
  public static Response open(PhosorConfig config, Store store, AlertService alerts, Audit audit,
      MeterRegistry registry, Clock clock, Map<String, Notifier> notifiers, AccountDisabler disabler) {
    Path dir = config.dataDir().resolve("playbooks");
    Playbooks playbooks;
    try {
      playbooks = Playbooks.load(dir);
    } catch (PlaybookException e) {
      throw new ConfigException("invalid playbook: " + e.getMessage());
    } catch (UncheckedIOException e) {
      throw new ConfigException(e.getMessage());
    }
    String token = config.response().blocklistFeedToken();
    if (token == null) {
      Secrets secrets = new Secrets(config.dataDir());
      boolean[] created = new boolean[1];
      try {
        token = secrets.loadOrCreateToken("blocklist-feed.token", created);
      } catch (IOException e) {
        throw new ConfigException("cannot create the blocklist feed token in " + secrets.file("blocklist-feed.token")
            .toAbsolutePath() + ": " + e.getMessage());
      }
      if (created[0]) {
        LOG.info("generated the blocklist feed token (for GET /api/blocklist.txt) in {} (owner-only)",
            secrets.file("blocklist-feed.token").toAbsolutePath());
      }
    }
    BlockService blocks = new BlockService(store.blocklist(), config.response(), audit, registry, clock);
    ResponseEngine engine = new ResponseEngine(store, playbooks, config.response(), notifiers, disabler, blocks, audit,
        registry, clock);
    return new Response(playbooks, blocks, engine, alerts, audit, token, registry, store);
  }

  /**
   * Registers the routes; {@code backfill} is null when event search is off; detect-and-respond waits (briefly) for
   * {@code incidents} to group the alerts it stored.
   */
  public void register(Javalin app, ObjectMapper mapper, BackfillRoutes backfill, IncidentService incidents) {
    ResponseRoutes.registerErrors(app);
    new ResponseRoutes(mapper, playbooks, engine, blocks, alerts, audit, feedToken, registry, incidents, store)
        .register(app, backfill);
  }

  /** What the incident service tells about incident changes: the response engine. */
  public IncidentListener listener() {
    return engine;
  }

  /** Starts the workers (after putting interrupted actions back to pending) and the expiry sweep. */
  public void start() {
    engine.start();
    blocks.start();
  }

  /** The blocklist feed token (for tests and the start-up message). */
  public String feedToken() {
    return feedToken;
  }

  /** Stops the sweep and the workers; running actions run again at the next start. */
  @Override
  public void close() {
    blocks.close();
    engine.close();
  }
}
