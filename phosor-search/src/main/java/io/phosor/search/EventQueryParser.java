package io.phosor.search;

import io.phosor.event.Fields;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.InetAddressPoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.queryparser.classic.QueryParserConstants;
import org.apache.lucene.queryparser.classic.Token;
import org.apache.lucene.queryparser.classic.TokenMgrError;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.MultiTermQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.automaton.RegExp;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

/**
 * Lucene's classic query syntax over event fields (docs/search.md). Field names go through
 * {@link Fields#canonical} ({@code src_ip} = {@code source.ip}); each field gets the query its value kinds
 * need ({@link FieldKinds}): point queries for numbers, dates and IPs (with CIDR), lower-cased terms for
 * keywords, analysis for text. Bare terms search {@code message} and {@code event.original}; the default
 * operator is AND. Single-use: one instance per query (the generated parser is not thread-safe).
 */
final class EventQueryParser extends QueryParser {
  /** Longest query accepted: a hand-written query is a few hundred characters. */
  static final int MAX_QUERY_CHARS = 4_096;
  /** Most leaf clauses (terms, ranges, ...) in one query. */
  static final int MAX_CLAUSES = 1_024;
  /** Work budget for turning one wildcard or regular expression into an automaton (Lucene's default). */
  static final int MAX_DETERMINIZE_WORK = 10_000;
  /** Largest regular expression accepted, in automaton states before determinizing (see {@link #automatonSize}). */
  static final int MAX_REGEXP_SIZE = 1_000;
  /** The fields bare terms search. */
  static final List<String> DEFAULT_FIELDS = List.of(Fields.MESSAGE, Fields.ORIGINAL);

  private static final MultiTermQuery.RewriteMethod REWRITE = MultiTermQuery.CONSTANT_SCORE_BLENDED_REWRITE;
  private static final Pattern LEXICAL = Pattern.compile("line (\\d+), column (\\d+)");

  private final String query;
  private final FieldKinds kinds;
  private final Clock clock;

  private EventQueryParser(String query, FieldKinds kinds, Clock clock, Analyzer analyzer) {
    super(null, analyzer); // no default field: bare terms are expanded over DEFAULT_FIELDS below
    this.query = query;
    this.kinds = kinds;
    this.clock = clock;
    setDefaultOperator(AND_OPERATOR);
    setSplitOnWhitespace(true); // each whitespace-separated term is one clause, for typed fields too
    setAutoGeneratePhraseQueries(true); // sshd[1234] is the phrase "sshd 1234", not either word
    setAllowLeadingWildcard(true);
    setDeterminizeWorkLimit(MAX_DETERMINIZE_WORK);
    setMultiTermRewriteMethod(REWRITE);
    setLocale(Locale.ROOT);
    setTimeZone(TimeZone.getTimeZone("UTC"));
  }

  /**
   * Parses {@code text} (null, blank, {@code *} and {@code *:*} match every event).
   *
   * @throws QuerySyntaxException when it is malformed or a value does not fit its field
   * @throws SearchLimitException when it is too long, has too many clauses or too complex a pattern
   */
  static Query parse(String text, FieldKinds kinds, Clock clock, Analyzer analyzer) {
    String q = text == null ? "" : text;
    if (q.length() > MAX_QUERY_CHARS) {
      throw new SearchLimitException("query length", q.length(), MAX_QUERY_CHARS, "shorten the query");
    }
    String t = q.strip();
    if (t.isEmpty() || t.equals("*") || t.equals("*:*")) {
      return new MatchAllDocsQuery();
    }
    EventQueryParser p = new EventQueryParser(q, kinds, clock, analyzer);
    Query result;
    try {
      result = p.parse(q);
    } catch (ParseException e) {
      throw p.translate(e);
    }
    int clauses = countClauses(result);
    if (clauses > MAX_CLAUSES) {
      throw new SearchLimitException("query clauses", clauses, MAX_CLAUSES, "split the query into several searches");
    }
    return result;
  }

  static int countClauses(Query q) {
    int[] n = {0};
    q.visit(new QueryVisitor() {
      @Override
      public void consumeTerms(Query query, Term... terms) {
        n[0] += terms.length;
      }

      @Override
      public void visitLeaf(Query query) {
        n[0]++;
      }

      @Override
      public QueryVisitor getSubVisitor(BooleanClause.Occur occur, Query parent) {
        return this;
      }
    });
    return n[0];
  }

  // ---- field queries ---------------------------------------------------------------------------------

  /** Builds one text field's query; the parser's checked exception passes through. */
  private interface TextQuery {
    Query build(String field) throws ParseException;
  }

  /**
   * Bare terms, {@code *:} and {@code event.original:} search every default text field: the original text
   * is indexed without the message it contains (see {@link EventDocuments#originalText}).
   */
  private static boolean isDefault(String field) {
    return field == null || field.equals("*") || Fields.canonical(field).equals(Fields.ORIGINAL);
  }

  /** A query over every default text field, any of which may match (null when analysis left no terms). */
  private static Query anyText(TextQuery q) throws ParseException {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int n = 0;
    for (String f : DEFAULT_FIELDS) {
      Query one = q.build(f);
      if (one != null) {
        b.add(one, BooleanClause.Occur.SHOULD);
        n++;
      }
    }
    return n == 0 ? null : b.build();
  }

  @Override
  protected Query getFieldQuery(String field, String text, boolean quoted) throws ParseException {
    if (isDefault(field)) {
      return anyText(f -> super.getFieldQuery(f, text, quoted));
    }
    String f = Fields.canonical(field);
    int k = kinds.of(f);
    if ((k & FieldKinds.TEXT) != 0) {
      return super.getFieldQuery(f, text, quoted);
    }
    return typedTerm(f, k == 0 ? FieldKinds.KEYWORD : k, text, quoted);
  }

  @Override
  protected Query getFieldQuery(String field, String text, int slop) throws ParseException {
    if (isDefault(field)) {
      return anyText(f -> super.getFieldQuery(f, text, slop));
    }
    return super.getFieldQuery(field, text, slop); // calls getFieldQuery(field, text, true) above
  }

  @Override
  protected Query getRangeQuery(String field, String lower, String upper, boolean lowerInclusive,
      boolean upperInclusive) throws ParseException {
    if (isDefault(field)) {
      return anyText(f -> newRangeQuery(f, lower, upper, lowerInclusive, upperInclusive));
    }
    String f = Fields.canonical(field);
    int k = kinds.of(f);
    if ((k & FieldKinds.TEXT) != 0) {
      return newRangeQuery(f, lower, upper, lowerInclusive, upperInclusive);
    }
    return typedRange(f, k == 0 ? FieldKinds.KEYWORD : k, lower, upper, lowerInclusive, upperInclusive);
  }

  @Override
  protected Query getWildcardQuery(String field, String pattern) throws ParseException {
    if (isDefault(field)) {
      return "*".equals(pattern) ? new MatchAllDocsQuery()
          : anyText(f -> bounded(pattern, () -> super.getWildcardQuery(f, pattern)));
    }
    String f = Fields.canonical(field);
    int k = kinds.of(f);
    if ("*".equals(pattern)) {
      return exists(f, k == 0 ? FieldKinds.KEYWORD : k);
    }
    if ((k & FieldKinds.TEXT) != 0) {
      return bounded(pattern, () -> super.getWildcardQuery(f, pattern));
    }
    requireTerms(f, k, pattern, "wildcards");
    return bounded(pattern, () -> new WildcardQuery(new Term(f, EventDocuments.lower(pattern)),
        MAX_DETERMINIZE_WORK, REWRITE));
  }

  @Override
  protected Query getPrefixQuery(String field, String prefix) throws ParseException {
    if (isDefault(field)) {
      return anyText(f -> super.getPrefixQuery(f, prefix));
    }
    String f = Fields.canonical(field);
    int k = kinds.of(f);
    if ((k & FieldKinds.TEXT) != 0) {
      return super.getPrefixQuery(f, prefix);
    }
    requireTerms(f, k, prefix, "wildcards");
    return new PrefixQuery(new Term(f, EventDocuments.lower(prefix)), REWRITE);
  }

  @Override
  protected Query getRegexpQuery(String field, String regexp) throws ParseException {
    if (isDefault(field)) {
      return anyText(f -> regexp(f, regexp));
    }
    String f = Fields.canonical(field);
    int k = kinds.of(f);
    if ((k & FieldKinds.TEXT) == 0) {
      requireTerms(f, k, regexp, "regular expressions");
    }
    return regexp(f, regexp);
  }

  @Override
  protected Query getFuzzyQuery(String field, String term, float minSimilarity) throws ParseException {
    if (isDefault(field)) {
      return anyText(f -> super.getFuzzyQuery(f, term, minSimilarity));
    }
    String f = Fields.canonical(field);
    int k = kinds.of(f);
    if ((k & FieldKinds.TEXT) != 0) {
      return super.getFuzzyQuery(f, term, minSimilarity);
    }
    requireTerms(f, k, term, "fuzzy terms");
    return newFuzzyQuery(new Term(f, EventDocuments.lower(term)), minSimilarity, getFuzzyPrefixLength());
  }

  /** A pure negation ({@code NOT x}, {@code -x}) means "everything except", as analysts expect. */
  @Override
  protected Query getBooleanQuery(List<BooleanClause> clauses) throws ParseException {
    if (!clauses.isEmpty() && clauses.stream().allMatch(BooleanClause::isProhibited)) {
      List<BooleanClause> all = new ArrayList<>(clauses);
      all.add(new BooleanClause(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER));
      return super.getBooleanQuery(all);
    }
    return super.getBooleanQuery(clauses);
  }

  // ---- typed queries ---------------------------------------------------------------------------------

  private Query typedTerm(String f, int k, String text, boolean quoted) {
    // quoted too when no keyword can hold the literal text: @timestamp:">2026-11-21T08:00" (times have colons)
    if (!quoted || (k & FieldKinds.KEYWORD) == 0) {
      String op = text.startsWith(">=") ? ">=" : text.startsWith("<=") ? "<=" : text.startsWith(">") ? ">"
          : text.startsWith("<") ? "<" : null;
      if (op != null && text.length() > op.length()) {
        String v = text.substring(op.length());
        return switch (op) {
          case ">=" -> typedRange(f, k, v, null, true, true);
          case ">" -> typedRange(f, k, v, null, false, true);
          case "<=" -> typedRange(f, k, null, v, true, true);
          default -> typedRange(f, k, null, v, true, false);
        };
      }
    }
    List<Query> qs = new ArrayList<>(2);
    if ((k & FieldKinds.DATE) != 0) {
      long[] span = DateValues.parse(text, clock);
      if (span != null) {
        qs.add(LongPoint.newRangeQuery(FieldKinds.pointField(f, FieldKinds.DATE), span[0], span[1] - 1));
      }
    }
    if ((k & FieldKinds.LONG) != 0) {
      Long v = parseLong(text);
      if (v != null) {
        qs.add(LongPoint.newExactQuery(FieldKinds.pointField(f, FieldKinds.LONG), v));
      }
    }
    if ((k & FieldKinds.DOUBLE) != 0) {
      Double v = parseDouble(text);
      if (v != null) {
        qs.add(DoublePoint.newExactQuery(FieldKinds.pointField(f, FieldKinds.DOUBLE), v));
      }
    }
    if ((k & FieldKinds.IP) != 0) {
      if (text.indexOf('/') >= 0) {
        qs.add(cidr(f, text));
      } else {
        InetAddress ip = IpAddresses.parse(text);
        if (ip != null) {
          qs.add(InetAddressPoint.newExactQuery(FieldKinds.pointField(f, FieldKinds.IP), ip));
        }
      }
    }
    if ((k & FieldKinds.KEYWORD) != 0) {
      qs.add(new TermQuery(new Term(f, EventDocuments.lower(text))));
    }
    if (qs.isEmpty()) {
      throw error(text, f + " holds " + FieldKinds.describe(k) + ", and '" + text + "' is not one");
    }
    return any(qs);
  }

  private Query cidr(String f, String text) {
    int slash = text.indexOf('/');
    InetAddress ip = IpAddresses.parse(text.substring(0, slash));
    Integer bits = parseInt(text.substring(slash + 1));
    int max = ip == null ? 0 : ip.getAddress().length * 8;
    if (ip == null || bits == null || bits < 0 || bits > max) {
      throw error(text, "'" + text + "' is not a CIDR block like 10.0.0.0/8 or 2001:db8::/32");
    }
    return InetAddressPoint.newPrefixQuery(FieldKinds.pointField(f, FieldKinds.IP), ip, bits);
  }

  private Query typedRange(String f, int k, String lo, String hi, boolean loInc, boolean hiInc) {
    List<Query> qs = new ArrayList<>(2);
    if ((k & FieldKinds.DATE) != 0) {
      long[] a = lo == null ? null : DateValues.parse(lo, clock);
      long[] b = hi == null ? null : DateValues.parse(hi, clock);
      if ((lo == null || a != null) && (hi == null || b != null)) {
        long min = a == null ? Long.MIN_VALUE : loInc ? a[0] : a[1];
        long max = b == null ? Long.MAX_VALUE : hiInc ? b[1] - 1 : b[0] - 1;
        qs.add(longRange(FieldKinds.pointField(f, FieldKinds.DATE), min, max));
      }
    }
    if ((k & FieldKinds.LONG) != 0) {
      BigDecimal a = lo == null ? null : parseDecimal(lo);
      BigDecimal b = hi == null ? null : parseDecimal(hi);
      if ((lo == null || a != null) && (hi == null || b != null)) {
        // inclusive whole-number bounds: > 5.5 is >= 6, < 10 is <= 9
        BigDecimal min = a == null ? null : loInc ? a.setScale(0, RoundingMode.CEILING)
            : a.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE);
        BigDecimal max = b == null ? null : hiInc ? b.setScale(0, RoundingMode.FLOOR)
            : b.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE);
        qs.add(longRange(FieldKinds.pointField(f, FieldKinds.LONG), clamp(min, Long.MIN_VALUE), clamp(max, Long.MAX_VALUE)));
      }
    }
    if ((k & FieldKinds.DOUBLE) != 0) {
      Double a = lo == null ? null : parseDouble(lo);
      Double b = hi == null ? null : parseDouble(hi);
      if ((lo == null || a != null) && (hi == null || b != null)) {
        double min = a == null ? Double.NEGATIVE_INFINITY : loInc ? a : DoublePoint.nextUp(a);
        double max = b == null ? Double.POSITIVE_INFINITY : hiInc ? b : DoublePoint.nextDown(b);
        qs.add(min > max ? new MatchNoDocsQuery() : DoublePoint.newRangeQuery(FieldKinds.pointField(f, FieldKinds.DOUBLE), min, max));
      }
    }
    if ((k & FieldKinds.IP) != 0) {
      InetAddress a = lo == null ? null : IpAddresses.parse(lo);
      InetAddress b = hi == null ? null : IpAddresses.parse(hi);
      if ((lo == null || a != null) && (hi == null || b != null)) {
        qs.add(ipRange(FieldKinds.pointField(f, FieldKinds.IP), a, b, loInc, hiInc));
      }
    }
    if ((k & FieldKinds.KEYWORD) != 0) {
      qs.add(TermRangeQuery.newStringRange(f, lo == null ? null : EventDocuments.lower(lo),
          hi == null ? null : EventDocuments.lower(hi), loInc, hiInc));
    }
    if (qs.isEmpty()) {
      String bad = lo != null ? lo : hi;
      throw error(bad, "the range bounds of " + f + " must be " + FieldKinds.describe(k));
    }
    return any(qs);
  }

  private static Query longRange(String field, long min, long max) {
    return min > max ? new MatchNoDocsQuery() : LongPoint.newRangeQuery(field, min, max);
  }

  private static long clamp(BigDecimal v, long absent) {
    if (v == null) {
      return absent;
    }
    if (v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return Long.MAX_VALUE;
    }
    if (v.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
      return Long.MIN_VALUE;
    }
    return v.longValueExact();
  }

  private static Query ipRange(String field, InetAddress lo, InetAddress hi, boolean loInc, boolean hiInc) {
    try {
      InetAddress min = lo == null ? InetAddressPoint.MIN_VALUE : loInc ? lo : InetAddressPoint.nextUp(lo);
      InetAddress max = hi == null ? InetAddressPoint.MAX_VALUE : hiInc ? hi : InetAddressPoint.nextDown(hi);
      byte[] a = InetAddressPoint.encode(min);
      byte[] b = InetAddressPoint.encode(max);
      if (java.util.Arrays.compareUnsigned(a, b) > 0) {
        return new MatchNoDocsQuery();
      }
      return InetAddressPoint.newRangeQuery(field, min, max);
    } catch (ArithmeticException e) { // nextUp of the largest address, nextDown of the smallest
      return new MatchNoDocsQuery();
    }
  }

  /** Matches events that have any value in {@code f} ({@code field:*}). */
  private static Query exists(String f, int k) {
    List<Query> qs = new ArrayList<>(2);
    if ((k & (FieldKinds.DATE)) != 0) {
      qs.add(LongPoint.newRangeQuery(FieldKinds.pointField(f, FieldKinds.DATE), Long.MIN_VALUE, Long.MAX_VALUE));
    }
    if ((k & (FieldKinds.LONG)) != 0) {
      qs.add(LongPoint.newRangeQuery(FieldKinds.pointField(f, FieldKinds.LONG), Long.MIN_VALUE, Long.MAX_VALUE));
    }
    if ((k & FieldKinds.DOUBLE) != 0) {
      qs.add(DoublePoint.newRangeQuery(FieldKinds.pointField(f, FieldKinds.DOUBLE), Double.NEGATIVE_INFINITY,
          Double.POSITIVE_INFINITY));
    }
    if ((k & (FieldKinds.KEYWORD | FieldKinds.IP | FieldKinds.TEXT)) != 0) {
      qs.add(TermRangeQuery.newStringRange(f, null, null, true, true));
    }
    return any(qs);
  }

  private Query regexp(String f, String regexp) {
    RegExp parsed;
    try {
      parsed = new RegExp(regexp, RegExp.ALL, RegExp.CASE_INSENSITIVE);
    } catch (IllegalArgumentException e) {
      throw error(regexp, "invalid regular expression /" + regexp + "/: " + e.getMessage());
    }
    // Lucene builds the whole automaton of a repetition before its determinize work limit applies:
    // /b{1,99999}/ alone took 40 s of CPU. Refuse what would be large before building it.
    long size = automatonSize(parsed);
    if (size > MAX_REGEXP_SIZE) {
      throw new SearchLimitException("size of the regular expression /" + regexp + "/", size, MAX_REGEXP_SIZE,
          "use smaller repetition counts, e.g. {1,100} instead of {1,10000}");
    }
    try {
      return new RegexpQuery(new Term(f, regexp), RegExp.ALL, RegExp.CASE_INSENSITIVE,
          RegexpQuery.DEFAULT_PROVIDER, MAX_DETERMINIZE_WORK, REWRITE);
    } catch (TooComplexToDeterminizeException e) {
      throw tooComplex(regexp);
    }
  }

  /**
   * An upper estimate of the states of the automaton Lucene builds for {@code r} before determinizing it:
   * repetitions multiply their operand's size; saturates just above {@link #MAX_REGEXP_SIZE}.
   */
  static long automatonSize(RegExp r) {
    long size = switch (r.kind) {
      case REGEXP_UNION, REGEXP_CONCATENATION -> automatonSize(r.exp1) + automatonSize(r.exp2);
      case REGEXP_INTERSECTION -> automatonSize(r.exp1) * automatonSize(r.exp2);
      case REGEXP_OPTIONAL, REGEXP_REPEAT, REGEXP_COMPLEMENT, REGEXP_DEPRECATED_COMPLEMENT -> automatonSize(r.exp1) + 1;
      case REGEXP_REPEAT_MIN -> automatonSize(r.exp1) * (r.min + 1L);
      case REGEXP_REPEAT_MINMAX -> automatonSize(r.exp1) * Math.max(1L, r.max);
      case REGEXP_STRING -> Math.max(1, r.s.length());
      case REGEXP_INTERVAL -> 10L * Math.max(1, r.digits) + 1;
      default -> 1; // one character, class, range, any string, empty, named automaton
    };
    return Math.min(size, MAX_REGEXP_SIZE + 1L);
  }

  private interface Build {
    Query build() throws ParseException;
  }

  private Query bounded(String pattern, Build b) throws ParseException {
    try {
      return b.build();
    } catch (TooComplexToDeterminizeException e) {
      throw tooComplex(pattern);
    }
  }

  private static SearchLimitException tooComplex(String pattern) {
    return new SearchLimitException("pattern complexity of '" + pattern + "'", MAX_DETERMINIZE_WORK + 1L,
        MAX_DETERMINIZE_WORK, "use fewer wildcards or a simpler regular expression");
  }

  private void requireTerms(String f, int k, String text, String what) {
    if (k != 0 && (k & (FieldKinds.KEYWORD | FieldKinds.IP)) == 0) {
      throw error(text, what + " work on keyword and text fields, and " + f + " holds " + FieldKinds.describe(k)
          + "; use a range such as " + f + ":[10 TO 20]");
    }
  }

  private static Query any(List<Query> qs) {
    if (qs.size() == 1) {
      return qs.get(0);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Query q : qs) {
      b.add(q, BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Integer parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Double parseDouble(String s) {
    try {
      double d = Double.parseDouble(s.trim());
      return Double.isNaN(d) ? null : d;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static BigDecimal parseDecimal(String s) {
    try {
      return s.length() > 40 ? null : new BigDecimal(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  // ---- errors ----------------------------------------------------------------------------------------

  /** A problem with {@code text} (a value in the query): located at its last occurrence up to the current token. */
  private QuerySyntaxException error(String text, String problem) {
    Token t = token;
    int end = t == null ? query.length() : Math.min(query.length(), t.endColumn + 1);
    int at = text == null || text.isEmpty() ? -1 : query.lastIndexOf(text, end);
    int position = at >= 0 ? at + 1 : t == null ? 1 : Math.min(query.length(), t.beginColumn + 1);
    return new QuerySyntaxException(query, Math.max(1, position), problem);
  }

  /** Turns the parser's exception (wrapped by {@code parse}) into ours, with a 1-based position. */
  private RuntimeException translate(ParseException wrapped) {
    Throwable cause = wrapped.getCause();
    if (cause instanceof IndexSearcher.TooManyClauses) {
      return new SearchLimitException("query clauses", IndexSearcher.getMaxClauseCount() + 1L,
          IndexSearcher.getMaxClauseCount(), "split the query into several searches");
    }
    if (cause instanceof ParseException pe && pe.currentToken != null && pe.currentToken.next != null) {
      Token bad = pe.currentToken.next;
      if (bad.kind == QueryParserConstants.EOF) {
        int open = unclosed(query);
        if (open >= 0) {
          return new QuerySyntaxException(query, open + 1, query.charAt(open) == '('
              ? "'(' without a closing ')'" : "range '" + query.charAt(open) + "' without its closing ']' or '}'");
        }
        return new QuerySyntaxException(query, query.length() + 1,
            "the query ends too early: an operator, 'field:' or '^' needs something after it");
      }
      String problem = switch (bad.kind) {
        case QueryParserConstants.RPAREN -> "')' without a matching '('";
        case QueryParserConstants.COLON -> "':' without a field name before it (quote or escape \\: in values)";
        case QueryParserConstants.AND, QueryParserConstants.OR, QueryParserConstants.NOT ->
            "unexpected '" + bad.image + "': an operator needs a term on each side";
        default -> "unexpected '" + bad.image + "' (quote a value with special characters, e.g. \"sshd[42]\","
            + " or escape them with \\: + - && || ! ( ) { } [ ] ^ \" ~ * ? : \\ /)";
      };
      return new QuerySyntaxException(query, bad.beginColumn + 1, problem);
    }
    if (cause instanceof TokenMgrError tme) {
      return lexical(tme);
    }
    String message = cause != null ? cause.getMessage() : wrapped.getMessage();
    Token t = token;
    return new QuerySyntaxException(query, t == null ? 1 : Math.min(query.length(), t.beginColumn + 1), message);
  }

  private QuerySyntaxException lexical(TokenMgrError e) {
    int quote = unclosedQuote(query);
    if (quote >= 0) {
      return new QuerySyntaxException(query, quote + 1, "'\"' without a closing '\"'");
    }
    if (query.endsWith("\\") && !query.endsWith("\\\\")) {
      return new QuerySyntaxException(query, query.length(), "'\\' at the end of the query escapes nothing");
    }
    Matcher m = LEXICAL.matcher(String.valueOf(e.getMessage()));
    int position = m.find() ? Math.max(1, Math.min(query.length(), Integer.parseInt(m.group(2)))) : 1;
    return new QuerySyntaxException(query, position, "unreadable character in the query");
  }

  /** Index of the innermost '(' or range bracket left open (outside phrases and escapes), or -1. */
  private static int unclosed(String q) {
    java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
    boolean phrase = false;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        phrase = !phrase;
      } else if (!phrase && (c == '(' || c == '[' || c == '{')) {
        open.push(i);
      } else if (!phrase && (c == ')' || c == ']' || c == '}') && !open.isEmpty()) {
        open.pop();
      }
    }
    return open.isEmpty() ? -1 : open.peek();
  }

  /** Index of a '"' that opens a phrase nobody closes, or -1. */
  private static int unclosedQuote(String q) {
    int open = -1;
    for (int i = 0; i < q.length(); i++) {
      char c = q.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        open = open < 0 ? i : -1;
      }
    }
    return open;
  }
}
