package io.phosor.search;

import io.phosor.event.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.search.Query;

/**
 * Tells whether one event matches a search query, in memory, with exactly the semantics of {@link EventIndex#search}
 * (docs/search.md): the event is turned into the same Lucene document the index would hold, put in a one-document
 * {@link MemoryIndex}, and the query parsed by the same parser is run against it. So a query that finds the right
 * events in search selects the same events here (forwarder filters). Typed fields work like in search: the kinds of
 * values seen so far (numbers, IPs, dates) are learned and the query is parsed again when a new one appears.
 *
 * <p>Not thread-safe: one instance per thread. A few tens of microseconds per event.
 */
public final class EventFilter {
  /** A query that mentions {@code now} is parsed again at most this often, so "now-15m" moves with time. */
  static final long NOW_REFRESH_MS = 1_000;

  private final String query;
  private final Clock clock;
  private final Analyzer analyzer = new TextAnalyzer();
  private final FieldKinds kinds = new FieldKinds();
  private final IndexSettings settings = IndexSettings.defaults();
  private final EventDocuments documents;
  private final EventDocuments.Scratch scratch = new EventDocuments.Scratch();
  private final MemoryIndex memory = new MemoryIndex();
  private final boolean relative;
  private final EventDocuments.KindRecorder recorder = this::record;
  private Query compiled;
  private long compiledAt;
  private boolean stale;
  private String problem;

  private EventFilter(String query, Clock clock) {
    this.query = query;
    this.clock = clock;
    this.documents = new EventDocuments(settings, kinds, new LongAdder());
    this.relative = query.toLowerCase(Locale.ROOT).contains("now");
    this.compiled = EventQueryParser.parse(query, kinds, clock, analyzer);
    this.compiledAt = clock.millis();
  }

  /**
   * Parses {@code query} (Lucene syntax as in search; empty or {@code *} matches every event).
   *
   * @throws QuerySyntaxException when it is malformed or a value does not fit its field
   * @throws SearchLimitException when it is too long, has too many clauses or too complex a pattern
   */
  public static EventFilter of(String query, Clock clock) {
    return new EventFilter(query == null ? "" : query, clock);
  }

  /** The query as given. */
  public String query() {
    return query;
  }

  /**
   * Why the query could not be parsed again after a new kind of value appeared (the previous parse stays in force),
   * or null.
   */
  public String problem() {
    return problem;
  }

  /** True when {@code e} (its {@code seq} set) matches the query. */
  public boolean test(Event e) {
    List<IndexableField> doc = documents.build(e, recorder, scratch);
    if (stale || (relative && clock.millis() - compiledAt >= NOW_REFRESH_MS)) {
      stale = false;
      compiledAt = clock.millis();
      try {
        compiled = EventQueryParser.parse(query, kinds, clock, analyzer);
        problem = null;
      } catch (IllegalArgumentException ex) {
        problem = ex.getMessage();
      }
    }
    memory.reset();
    for (IndexableField f : doc) {
      var type = f.fieldType();
      if (type.indexOptions() == IndexOptions.NONE && type.pointDimensionCount() == 0) {
        continue; // the stored JSON and sort-only doc values: nothing a query matches on
      }
      if (type.docValuesType() != DocValuesType.NONE) {
        continue;
      }
      memory.addField(f, analyzer);
    }
    try {
      return memory.createSearcher().count(compiled) > 0;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex); // an in-memory index does no I/O
    }
  }

  /** Learns the kinds of values seen; a new one makes the query be parsed again before it runs. */
  private boolean record(String field, int kind, FieldKinds global, int maxFieldNames) {
    if ((global.of(field) & kind) != 0) {
      return true;
    }
    if (!global.known(field) && global.names() >= maxFieldNames) {
      return false;
    }
    global.add(field, kind);
    stale = true;
    return true;
  }
}
