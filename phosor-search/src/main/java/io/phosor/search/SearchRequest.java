package io.phosor.search;

import java.time.Instant;

/**
 * One page of a search: a query in Lucene classic syntax (see docs/search.md; empty or {@code *} = every
 * event), an optional event-time range {@code [from, to)}, a page size and the cursor of the previous page.
 *
 * @param query the query text; null or blank means every event
 * @param from first event time included, or null for no lower bound
 * @param to first event time excluded, or null for no upper bound
 * @param limit events per page, 1 to {@link #MAX_LIMIT}
 * @param cursor {@link SearchPage#nextCursor()} of the previous page, or null for the first page
 */
public record SearchRequest(String query, Instant from, Instant to, int limit, String cursor) {
  /** Largest page: a UI shows tens of events, an export pages on. */
  public static final int MAX_LIMIT = 1_000;
  /** Page size when the caller has no preference. */
  public static final int DEFAULT_LIMIT = 100;

  /** Validates the page size and the time range. */
  public SearchRequest {
    query = query == null ? "" : query;
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    if (limit > MAX_LIMIT) {
      throw new SearchLimitException("limit", limit, MAX_LIMIT, "page through larger results with nextCursor");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
    }
  }

  /** The first page of {@code query} over all time, {@link #DEFAULT_LIMIT} events. */
  public static SearchRequest of(String query) {
    return new SearchRequest(query, null, null, DEFAULT_LIMIT, null);
  }

  /** The same request for the page after {@code cursor}. */
  public SearchRequest after(String cursor) {
    return new SearchRequest(query, from, to, limit, cursor);
  }
}
