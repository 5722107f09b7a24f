package io.phosor.search;

import java.util.List;
import java.util.Map;

/**
 * One page of search results, newest event first (by {@code @timestamp}, then {@code event.id}).
 *
 * @param events the events as JSON-ready maps with ECS dotted keys (see docs/search.md)
 * @param nextCursor pass as {@link SearchRequest#cursor()} for the next page; null when there is none
 * @param total how many events match (on a page after a cursor: from that page on); exact when
 *     {@code totalExact}, otherwise a lower bound
 * @param totalExact whether {@code total} is exact: on a first page it is exact up to at least
 *     {@link EventIndex#TOTAL_HITS_THRESHOLD} hits, and always for a single term or every event
 */
public record SearchPage(List<Map<String, Object>> events, String nextCursor, long total, boolean totalExact) {
  /** Copies the list. */
  public SearchPage {
    events = List.copyOf(events);
  }
}
