package io.phosor.search;

import java.io.IOException;
import java.util.Collection;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;

/**
 * Counts matching documents per time bucket from the {@code @timestamp} doc values: one array increment per
 * match and no stored field is read. Bucket {@code i} covers {@code [start + i*interval, start + (i+1)*interval)}.
 */
final class TimeHistogramCollector implements Collector {
  private final long start;
  private final long interval;
  private final long from;
  private final long to;
  final long[] counts;

  TimeHistogramCollector(long start, long interval, int buckets, long from, long to) {
    this.start = start;
    this.interval = interval;
    this.from = from;
    this.to = to;
    this.counts = new long[buckets];
  }

  /** One collector per search slice, summed at the end. */
  static CollectorManager<TimeHistogramCollector, long[]> manager(long start, long interval, int buckets,
      long from, long to) {
    return new CollectorManager<>() {
      @Override
      public TimeHistogramCollector newCollector() {
        return new TimeHistogramCollector(start, interval, buckets, from, to);
      }

      @Override
      public long[] reduce(Collection<TimeHistogramCollector> collectors) {
        long[] sum = new long[buckets];
        for (TimeHistogramCollector c : collectors) {
          for (int i = 0; i < buckets; i++) {
            sum[i] += c.counts[i];
          }
        }
        return sum;
      }
    };
  }

  @Override
  public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
    NumericDocValues values = DocValues.getNumeric(context.reader(), FieldKinds.TIMESTAMP_FIELD);
    long[] c = counts;
    return new LeafCollector() {
      @Override
      public void setScorer(Scorable scorer) {}

      @Override
      public void collect(int doc) throws IOException {
        if (values.advanceExact(doc)) {
          long t = values.longValue();
          if (t >= from && t < to) { // the query filters the range already; this guards the array
            c[(int) ((t - start) / interval)]++;
          }
        }
      }
    };
  }

  @Override
  public ScoreMode scoreMode() {
    return ScoreMode.COMPLETE_NO_SCORES;
  }
}
