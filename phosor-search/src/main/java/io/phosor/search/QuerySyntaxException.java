package io.phosor.search;

/**
 * A search query that cannot be parsed or does not fit a field's type; the API answers 400 with the message
 * and the position. Extends {@link IllegalArgumentException} so one mapping covers every bad search input.
 */
public final class QuerySyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String query;
  private final int position;

  /** {@code position} is the 1-based character position in {@code query} where the problem is. */
  public QuerySyntaxException(String query, int position, String problem) {
    super(problem + " at position " + position + " of the query");
    this.query = query;
    this.position = position;
  }

  /** The query as the user sent it. */
  public String query() {
    return query;
  }

  /** The 1-based character position of the problem in {@link #query()}. */
  public int position() {
    return position;
  }
}
