package io.phosor.forward;

import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.phosor.auth.Role;
import io.phosor.config.PhosorConfig;
import io.phosor.event.Event;
import io.phosor.health.Health;
import io.phosor.incident.IncidentListener;
import io.phosor.incident.IncidentUpdate;
import io.phosor.pipeline.EventSink;
import io.phosor.store.Store;
import io.phosor.store.StoredAlert;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwarding, wired: the destinations of forwarders.yml ({@code PHOSOR_FORWARDERS_FILE}, default
 * {@code <data_dir>/forwarders.yml}), one {@link Forwarder} thread each. The server adds it as a pipeline sink (new
 * journaled events only wake the forwarders and tell them how far the journal is durable), an alert listener and an
 * incident listener (both only wake), registers {@code GET /api/forwarders} (admin) and a health check, starts it after
 * the store and the journal, and closes it before the store. See docs/forwarding.md.
 */
public final class Forwarders implements EventSink, IncidentListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarders.class);
  /** The status route. */
  public static final String PATH = "/api/forwarders";

  private final List<Forwarder> all;
  private final Path file;
  /** The last durable journal seq: the forwarders of events read up to it. */
  private final AtomicLong latestSeq;

  private Forwarders(List<Forwarder> all, Path file, AtomicLong latestSeq) {
    this.all = List.copyOf(all);
    this.file = file;
    this.latestSeq = latestSeq;
  }

  /**
   * Reads the destinations and builds their forwarders (nothing runs until {@link #start()}).
   *
   * @param journalDir the journal's directory, read back by the forwarders of events
   * @param journalLastSeq the journal's last durable seq at start-up
   * @throws io.phosor.config.ConfigException naming the file, the destination and the problem
   */
  public static Forwarders open(PhosorConfig config, Store store, Path journalDir, long journalLastSeq,
      MeterRegistry registry, Clock clock) {
    Path file = config.forward().effectiveFile(config.dataDir());
    List<Destination> destinations = ForwardersFile.load(file, config.forward(), config.forward().env(), clock);
    String hostname = localHostname();
    AtomicLong latest = new AtomicLong(journalLastSeq);
    List<Forwarder> built = new ArrayList<>();
    try {
      for (Destination d : destinations) {
        Output out = switch (d.type()) {
          case SPLUNK_HEC -> new SplunkHecOutput(d, config.forward().timeout(), hostname);
          case SYSLOG -> new SyslogOutput(d, config.forward().timeout(), hostname);
          case OPENSEARCH -> new OpenSearchOutput(d, config.forward().timeout());
        };
        built.add(new Forwarder(d, out, store, journalDir, latest::get, config.forward().maxBatchBytes(),
            config.forward().maxBackoff(), registry, clock));
      }
    } catch (RuntimeException e) {
      for (Forwarder fw : built) {
        fw.close(Duration.ofSeconds(1));
      }
      throw e;
    }
    return new Forwarders(built, file, latest);
  }

  /** This machine's name for syslog HOSTNAME and the Splunk host (RFC 5424: printable ASCII, no spaces). */
  private static String localHostname() {
    String h;
    try {
      h = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | RuntimeException e) {
      h = "phosor";
    }
    h = h.replaceAll("[^\\x21-\\x7e]", "");
    return h.isEmpty() ? "phosor" : h.length() > 255 ? h.substring(0, 255) : h;
  }

  /** Starts every forwarder. */
  public void start() {
    if (all.isEmpty()) {
      LOG.info("forwarding: no destinations (none in {})", file.toAbsolutePath());
      return;
    }
    LOG.info("forwarding: {} destination(s) from {}", all.size(), file.toAbsolutePath());
    for (Forwarder f : all) {
      f.start();
    }
  }

  /**
   * The first journal event some destination would read after a restart (the lowest saved cursor of those that
   * forward events, + 1), or {@link Long#MAX_VALUE} when none does: journal retention may delete what is before it.
   */
  public long journalFloor() {
    long floor = Long.MAX_VALUE;
    for (Forwarder f : all) {
      floor = Math.min(floor, f.journalFloor());
    }
    return floor;
  }

  /** How many destinations there are. */
  public int size() {
    return all.size();
  }

  /** Takes journaled events (pipeline thread): notes how far the journal is durable and wakes the forwarders. */
  @Override
  public void accept(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    latestSeq.set(events.get(events.size() - 1).seq());
    wake(Kind.EVENTS);
  }

  /** Takes newly stored alerts (an alert listener, on the alert writer's thread): only wakes. */
  public void onAlerts(List<StoredAlert> fresh) {
    if (!fresh.isEmpty()) {
      wake(Kind.ALERTS);
    }
  }

  /** Takes an incident change: only wakes (the forwarders read the timeline from the store). */
  @Override
  public void onUpdate(IncidentUpdate update) {
    wake(Kind.INCIDENTS);
  }

  private void wake(Kind kind) {
    for (Forwarder f : all) {
      if (f.destination().send().contains(kind)) {
        f.wake();
      }
    }
  }

  /** The status of every destination, as {@code GET /api/forwarders} shows it. */
  public List<Map<String, Object>> status() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Forwarder f : all) {
      out.add(f.status());
    }
    return out;
  }

  /** Degraded while a destination fails (what it should get waits in the journal and the store). */
  public Health.Check health() {
    List<String> failing = new ArrayList<>();
    for (Forwarder f : all) {
      String p = f.problem();
      if (p != null) {
        failing.add(f.destination().name() + ": " + p);
      }
    }
    return failing.isEmpty() ? Health.Check.OK : Health.Check.degraded("forwarding is retrying (" + String.join("; ",
        failing) + "); records wait in the journal and the store");
  }

  /** Registers {@code GET /api/forwarders} (admin: targets and problems describe the infrastructure). */
  public void register(Javalin app) {
    app.get(PATH, ctx -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("file", file.toString());
      body.put("forwarders", status());
      ctx.json(body);
    }, Role.ADMIN);
  }

  /** Stops every forwarder, each within {@code timeout}. */
  public void close(Duration timeout) {
    for (Forwarder f : all) {
      f.close(timeout);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
