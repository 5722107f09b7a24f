package io.phosor.search;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.BulkScorer;
import org.apache.lucene.search.CollectionTerminatedException;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Weight;

/**
 * The newest {@code n} matches of a query, by ({@code @timestamp} desc, {@code event.id} desc), optionally
 * strictly after a cursor. Events are appended in roughly time order, so document ids ascend with time and
 * Lucene's sorted collector cannot skip anything when the newest come last. Instead the segments are read
 * newest first (by the largest {@code @timestamp} in each, from its points) and the search stops as soon
 * as the n-th best hit is newer than everything the remaining segments hold. Segments entirely newer than
 * the cursor are skipped.
 */
final class NewestFirst {
  private NewestFirst() {}

  /** The hits (global doc ids, best first), how many matches were counted, and whether that count is exact. */
  record Result(int[] docs, long[] timestamps, long[] seqs, long counted, boolean exact) {}

  private record Leaf(LeafReaderContext context, long minTs, long maxTs) {}

  /**
   * Searches {@code query}; with {@code hasAfter}, only hits older than ({@code afterTs}, {@code afterSeq})
   * count. The count covers the matches after the cursor (all matches on a first page). When the search
   * stopped early, a first page still counts the skipped segments where Lucene can do so without iterating,
   * and iterates them up to {@code countLimit}; beyond that, or on later pages, the count is a lower bound.
   */
  static Result search(IndexSearcher searcher, Query query, int n, boolean hasAfter, long afterTs, long afterSeq,
      long countLimit) throws IOException {
    List<Leaf> leaves = new ArrayList<>();
    for (LeafReaderContext ctx : searcher.getIndexReader().leaves()) {
      PointValues points = ctx.reader().getPointValues(FieldKinds.TIMESTAMP_FIELD);
      if (points == null) {
        continue; // no documents with a timestamp, i.e. none at all
      }
      leaves.add(new Leaf(ctx, LongPoint.decodeDimension(points.getMinPackedValue(), 0),
          LongPoint.decodeDimension(points.getMaxPackedValue(), 0)));
    }
    leaves.sort(Comparator.comparingLong(Leaf::maxTs).reversed());
    Weight weight = searcher.createWeight(searcher.rewrite(query), ScoreMode.COMPLETE_NO_SCORES, 1f);
    Heap heap = new Heap(n);
    long counted = 0;
    boolean exact = true;
    int next = 0;
    for (; next < leaves.size(); next++) {
      Leaf leaf = leaves.get(next);
      if (hasAfter && leaf.minTs > afterTs) {
        continue; // every event in it is newer than the cursor: on earlier pages
      }
      if (heap.full() && leaf.maxTs < heap.bottomTs()) {
        break; // nothing here or in the rest can enter the top n
      }
      BulkScorer scorer = weight.bulkScorer(leaf.context);
      if (scorer == null) {
        continue;
      }
      NumericDocValues ts = DocValues.getNumeric(leaf.context.reader(), FieldKinds.TIMESTAMP_FIELD);
      NumericDocValues seq = DocValues.getNumeric(leaf.context.reader(), FieldKinds.ID_FIELD);
      int docBase = leaf.context.docBase;
      long[] count = {0};
      LeafCollector collector = new LeafCollector() {
        @Override
        public void setScorer(Scorable scorer) {}

        @Override
        public void collect(int doc) throws IOException {
          long t = ts.advanceExact(doc) ? ts.longValue() : Long.MIN_VALUE;
          long s = seq.advanceExact(doc) ? seq.longValue() : Long.MIN_VALUE;
          if (hasAfter && (t > afterTs || (t == afterTs && s >= afterSeq))) {
            return; // on an earlier page
          }
          count[0]++;
          heap.offer(t, s, docBase + doc);
        }
      };
      scorer.score(collector, leaf.context.reader().getLiveDocs(), 0, DocIdSetIterator.NO_MORE_DOCS);
      collector.finish();
      counted += count[0];
    }
    if (next < leaves.size()) { // stopped early: count the rest where that is cheap, exactly up to the threshold
      if (hasAfter) {
        exact = false;
      } else {
        for (; next < leaves.size(); next++) {
          LeafReaderContext ctx = leaves.get(next).context;
          int cheap = weight.count(ctx); // -1 unless Lucene can count without iterating (term, match-all, ...)
          if (cheap >= 0) {
            counted += cheap;
          } else if (counted >= countLimit) {
            exact = false;
          } else {
            long[] c = {counted};
            exact &= countUpTo(weight, ctx, c, countLimit);
            counted = c[0];
          }
        }
      }
    }
    return heap.result(counted, exact);
  }

  /** Adds the matches in {@code ctx} to {@code counted[0]}, stopping at {@code limit}; true when it did not stop. */
  private static boolean countUpTo(Weight weight, LeafReaderContext ctx, long[] counted, long limit)
      throws IOException {
    BulkScorer scorer = weight.bulkScorer(ctx);
    if (scorer == null) {
      return true;
    }
    LeafCollector counter = new LeafCollector() {
      @Override
      public void setScorer(Scorable scorer) {}

      @Override
      public void collect(int doc) {
        if (++counted[0] >= limit) {
          throw new CollectionTerminatedException();
        }
      }
    };
    try {
      scorer.score(counter, ctx.reader().getLiveDocs(), 0, DocIdSetIterator.NO_MORE_DOCS);
      return true;
    } catch (CollectionTerminatedException e) {
      return false;
    }
  }

  /** A bounded min-heap of (timestamp, seq, doc): the root is the worst of the best n. */
  private static final class Heap {
    private final long[] ts;
    private final long[] seq;
    private final int[] doc;
    private int size;

    Heap(int n) {
      ts = new long[n];
      seq = new long[n];
      doc = new int[n];
    }

    boolean full() {
      return size == ts.length;
    }

    long bottomTs() {
      return ts[0];
    }

    private boolean less(long t1, long s1, long t2, long s2) {
      return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    void offer(long t, long s, int d) {
      if (size < ts.length) {
        int i = size++;
        while (i > 0) { // sift up
          int parent = (i - 1) >>> 1;
          if (!less(t, s, ts[parent], seq[parent])) {
            break;
          }
          set(i, parent);
          i = parent;
        }
        put(i, t, s, d);
      } else if (less(ts[0], seq[0], t, s)) {
        int i = 0;
        while (true) { // sift down from the root
          int child = 2 * i + 1;
          if (child >= size) {
            break;
          }
          if (child + 1 < size && less(ts[child + 1], seq[child + 1], ts[child], seq[child])) {
            child++;
          }
          if (!less(ts[child], seq[child], t, s)) {
            break;
          }
          set(i, child);
          i = child;
        }
        put(i, t, s, d);
      }
    }

    private void set(int to, int from) {
      ts[to] = ts[from];
      seq[to] = seq[from];
      doc[to] = doc[from];
    }

    private void put(int i, long t, long s, int d) {
      ts[i] = t;
      seq[i] = s;
      doc[i] = d;
    }

    /** The hits best first. */
    Result result(long counted, boolean exact) {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> less(ts[a], seq[a], ts[b], seq[b]) ? 1 : less(ts[b], seq[b], ts[a], seq[a]) ? -1 : 0);
      int[] docs = new int[size];
      long[] t = new long[size];
      long[] s = new long[size];
      for (int i = 0; i < size; i++) {
        docs[i] = doc[order[i]];
        t[i] = ts[order[i]];
        s[i] = seq[order[i]];
      }
      return new Result(docs, t, s, counted, exact);
    }
  }
}
