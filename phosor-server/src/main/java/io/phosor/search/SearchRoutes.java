package io.phosor.search;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.api.Params;
import io.phosor.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Event search over the index: {@code GET /api/events/search?q=&from=&to=&limit=&cursor=} (Lucene syntax,
 * newest first, cursor paging), {@code GET /api/events/histogram?q=&from=&to=&interval=} and
 * {@code GET /api/events/{id}}. A malformed query is a 400 with the position of the error.
 */
public final class SearchRoutes {
  /** Histogram range when none is given: the last day, what an overview chart shows. */
  static final Duration DEFAULT_HISTOGRAM_RANGE = Duration.ofDays(1);
  /** Intervals an automatic histogram picks from (the smallest giving at most {@link #AUTO_BUCKETS} buckets). */
  private static final List<Duration> NICE = List.of(Duration.ofSeconds(1), Duration.ofSeconds(10),
      Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
      Duration.ofHours(3), Duration.ofHours(12), Duration.ofDays(1), Duration.ofDays(7));
  private static final int AUTO_BUCKETS = 120;

  private final EventIndex index;
  private final Clock clock;

  /** Routes over {@code index}. */
  public SearchRoutes(EventIndex index, Clock clock) {
    this.index = index;
    this.clock = clock;
  }

  /** Registers the routes and the mapping of bad queries to 400. */
  public void register(Javalin app) {
    app.exception(QuerySyntaxException.class, (e, ctx) -> HttpApi.error(ctx, 400, "bad_query", e.getMessage(),
        Map.of("position", e.position())));
    app.exception(SearchLimitException.class, (e, ctx) -> HttpApi.error(ctx, 400, "limit_exceeded", e.getMessage()));
    app.get("/api/events/search", this::search, Role.VIEWER);
    app.get("/api/events/histogram", this::histogram, Role.VIEWER);
    app.get("/api/events/{event_id}", ctx -> ctx.json(index.get(Params.idPath(ctx, "event_id"))
        .orElseThrow(() -> new ApiException(404, "not_found", "no event " + ctx.pathParam("event_id")
            + " in the search index (it may have expired)"))), Role.VIEWER);
  }

  /** With search turned off: the routes exist and say so (503), rather than a confusing 404. */
  public static void registerDisabled(Javalin app) {
    for (String path : List.of("/api/events/search", "/api/events/histogram", "/api/events/{event_id}", "/api/detect")) {
      app.get(path, ctx -> {
        throw new ApiException(503, "search_disabled", "event search is turned off (PHOSOR_SEARCH_ENABLED=false)");
      }, path.equals("/api/detect") ? Role.ANALYST : Role.VIEWER);
    }
  }

  private void search(Context ctx) {
    int limit = Params.intParam(ctx, "limit", SearchRequest.DEFAULT_LIMIT, 1, SearchRequest.MAX_LIMIT);
    String cursor = ctx.queryParam("cursor");
    SearchRequest req = new SearchRequest(query(ctx), Params.instantParam(ctx, "from"), Params.instantParam(ctx, "to"),
        limit, cursor == null || cursor.isBlank() ? null : cursor);
    SearchPage page = index.search(req);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("events", page.events());
    body.put("next_cursor", page.nextCursor());
    body.put("total", page.total());
    body.put("total_exact", page.totalExact());
    ctx.json(body);
  }

  private void histogram(Context ctx) {
    Instant to = Params.instantParam(ctx, "to");
    Instant from = Params.instantParam(ctx, "from");
    if (to == null) {
      to = clock.instant();
    }
    if (from == null) {
      from = to.minus(DEFAULT_HISTOGRAM_RANGE);
    }
    if (!from.isBefore(to)) {
      throw ApiException.badRequest("from must be before to");
    }
    Duration interval = interval(ctx.queryParam("interval"), from, to);
    Histogram h = index.histogram(query(ctx), from, to, interval);
    List<Map<String, Object>> buckets = new ArrayList<>(h.buckets().size());
    for (Histogram.Bucket b : h.buckets()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("start", b.start().toString());
      one.put("count", b.count());
      buckets.add(one);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", from.toString());
    body.put("to", to.toString());
    body.put("interval_seconds", interval.toMillis() / 1000.0);
    body.put("total", h.total());
    body.put("buckets", buckets);
    ctx.json(body);
  }

  private static String query(Context ctx) {
    String q = ctx.queryParam("q");
    return q == null ? "" : q;
  }

  /**
   * An interval such as {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or plain seconds; absent: the smallest
   * "nice" interval that gives at most 120 buckets.
   */
  static Duration interval(String v, Instant from, Instant to) {
    if (v == null || v.isBlank()) {
      long span = Duration.between(from, to).toMillis();
      for (Duration d : NICE) {
        if (span / d.toMillis() <= AUTO_BUCKETS) {
          return d;
        }
      }
      return NICE.get(NICE.size() - 1);
    }
    String t = v.trim().toLowerCase(Locale.ROOT);
    try {
      char unit = t.charAt(t.length() - 1);
      long n = Character.isDigit(unit) ? Long.parseLong(t) : Long.parseLong(t.substring(0, t.length() - 1));
      if (n < 1 || n > 1_000_000) {
        throw new NumberFormatException();
      }
      return switch (unit) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> {
          if (Character.isDigit(unit)) {
            yield Duration.ofSeconds(n);
          }
          throw new NumberFormatException();
        }
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw ApiException.badRequest("interval must be like 30s, 5m, 1h, 1d or a number of seconds, was '"
          + Params.abbreviate(v) + "'");
    }
  }
}
