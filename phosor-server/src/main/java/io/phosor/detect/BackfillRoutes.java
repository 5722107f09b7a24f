package io.phosor.detect;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.Params;
import io.phosor.auth.Role;
import io.phosor.event.Event;
import io.phosor.event.Fields;
import io.phosor.search.EventIndex;
import io.phosor.search.SearchPage;
import io.phosor.search.SearchRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/detect?from=&to=[&rule=ID][&q=QUERY]}: runs the engine over the stored events of a time
 * range (CortexSOC's {@code /detect}, and backfill for a new rule) and returns what would fire, without raising
 * alerts. A scratch engine is used, oldest event first, with the rule (or every enabled rule) in force; the
 * running engine is not touched. Bounded: at most {@link #MAX_EVENTS} events per call (narrow the range or
 * add a query otherwise).
 */
public final class BackfillRoutes {
  /** Events one call may run through: a day of a small site, and a bounded amount of memory (~100 MB). */
  static final int MAX_EVENTS = 50_000;

  private final EventIndex index;
  private final Supplier<List<Rule>> rules;

  /** Runs {@code rules} (the rules in force) over events from {@code index}. */
  public BackfillRoutes(EventIndex index, Supplier<List<Rule>> rules) {
    this.index = index;
    this.rules = rules;
  }

  /** Registers the route. */
  public void register(Javalin app) {
    app.get("/api/detect", this::detect, Role.ANALYST);
  }

  /**
   * What a run over a range found.
   *
   * @param from start of the range
   * @param to end of the range
   * @param rules how many rules ran
   * @param eventsScanned how many events they saw
   * @param alerts what fired, in order
   */
  public record Result(Instant from, Instant to, int rules, int eventsScanned, List<Alert> alerts) {}

  private void detect(Context ctx) {
    Result r = run(ctx);
    List<Map<String, Object>> out = new ArrayList<>(r.alerts().size());
    r.alerts().forEach(a -> out.add(AlertJson.toMap(a)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", r.from().toString());
    body.put("to", r.to().toString());
    body.put("rules", r.rules());
    body.put("events_scanned", r.eventsScanned());
    body.put("alerts", out);
    ctx.json(body);
  }

  /**
   * Runs the rules over the range of the request's {@code from}, {@code to}, {@code rule} and {@code q} parameters
   * (also POST /api/detect-and-respond, which then stores what fired).
   *
   * @throws ApiException 400 on bad parameters or a range that holds too many events, 404 for an unknown rule
   */
  public Result run(Context ctx) {
    Instant from = Params.instantParam(ctx, "from");
    Instant to = Params.instantParam(ctx, "to");
    if (from == null || to == null) {
      throw ApiException.badRequest("from and to are required (ISO-8601 times, dates or epoch milliseconds)");
    }
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("from must be before to");
    }
    String ruleId = ctx.queryParam("rule");
    List<Rule> selected;
    if (ruleId != null && !ruleId.isBlank()) {
      Rule r = rules.get().stream().filter(x -> x.id().equals(ruleId.trim())).findFirst()
          .orElseThrow(() -> new ApiException(404, "not_found", "no rule " + Params.abbreviate(ruleId)));
      selected = List.of(r.withEnabled(true));
    } else {
      selected = rules.get().stream().filter(Rule::enabled).toList();
    }
    String q = ctx.queryParam("q");
    List<Map<String, Object>> newestFirst = new ArrayList<>();
    String cursor = null;
    do {
      SearchPage page = index.search(new SearchRequest(q == null ? "" : q, from, to, SearchRequest.MAX_LIMIT, cursor));
      newestFirst.addAll(page.events());
      if (newestFirst.size() > MAX_EVENTS) {
        throw ApiException.badRequest("the range holds more than " + MAX_EVENTS + " events; narrow from/to or add "
            + "a query (q) that selects the events the rules look at");
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    Collections.reverse(newestFirst);
    Engine engine = new Engine(EngineConfig.DEFAULTS, Clock.fixed(to, ZoneOffset.UTC));
    try {
      engine.setRules(selected);
    } catch (RuleException e) {
      throw new ApiException(400, "invalid_rule", e.getMessage());
    }
    List<Alert> fired = new ArrayList<>();
    for (Map<String, Object> m : newestFirst) {
      engine.process(toEvent(m), fired::add);
    }
    engine.finish(fired::add);
    return new Result(from, to, selected.size(), newestFirst.size(), List.copyOf(fired));
  }

  /** An event as the engine saw it, rebuilt from its stored JSON (the index keeps every field). */
  static Event toEvent(Map<String, Object> m) {
    Object src = m.get(Fields.SOURCE);
    Object addr = m.get(Fields.SOURCE_ADDRESS);
    Object orig = m.get(Fields.ORIGINAL);
    Instant ingested = instant(m.get(Fields.INGESTED));
    Event e = new Event(src == null ? "stored" : src.toString(), addr == null ? null : addr.toString(),
        ingested == null ? Instant.EPOCH : ingested, orig == null ? "" : orig.toString());
    Instant ts = instant(m.get(Fields.TIMESTAMP));
    if (ts != null) {
      e.timestamp(ts);
    }
    if (m.get(Fields.ID) instanceof Number n) {
      e.seq(n.longValue());
    }
    if (m.get(Fields.PARSE_ERROR) != null) {
      e.parseError(m.get(Fields.PARSE_ERROR).toString());
    }
    for (Map.Entry<String, Object> f : m.entrySet()) {
      switch (f.getKey()) {
        case Fields.ID, Fields.TIMESTAMP, Fields.INGESTED, Fields.SOURCE, Fields.SOURCE_ADDRESS, Fields.ORIGINAL,
            Fields.PARSE_ERROR -> { }
        default -> e.put(f.getKey(), f.getValue());
      }
    }
    return e;
  }

  private static Instant instant(Object v) {
    try {
      return v == null ? null : Instant.parse(v.toString());
    } catch (RuntimeException ex) {
      return null;
    }
  }
}
