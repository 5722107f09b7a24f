package io.phosor.search;

/**
 * A search request beyond one of the index's work budgets (page size, query length, clause count, histogram
 * buckets, wildcard/regex complexity); the API answers 400. The message names the limit and what to do.
 */
public final class SearchLimitException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String limit;
  private final long value;
  private final long max;

  /** {@code limit} names what was exceeded, {@code value} is what was asked, {@code max} the allowed maximum. */
  public SearchLimitException(String limit, long value, long max, String advice) {
    super(limit + " is " + value + ", the limit is " + max + (advice == null || advice.isEmpty() ? "" : "; " + advice));
    this.limit = limit;
    this.value = value;
    this.max = max;
  }

  /** What was exceeded, e.g. "limit", "query length", "histogram buckets". */
  public String limit() {
    return limit;
  }

  /** The requested value. */
  public long value() {
    return value;
  }

  /** The largest value allowed. */
  public long max() {
    return max;
  }
}
