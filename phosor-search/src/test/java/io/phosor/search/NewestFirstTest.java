package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.junit.jupiter.api.Test;

/** Differential test: NewestFirst against sorting every matching event in memory. */
class NewestFirstTest {
  private record Doc(long ts, long seq, String k) {}

  @Test
  void pagesMatchAReferenceSortOverManySegmentsAndSeeds() throws IOException {
    for (long seed = 1; seed <= 24; seed++) {
      check(seed);
    }
  }

  private void check(long seed) throws IOException {
    Random random = new Random(seed);
    List<Doc> docs = new ArrayList<>();
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
         IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer())
             .setMergePolicy(random.nextBoolean() ? NoMergePolicy.INSTANCE : new IndexWriterConfig(null).getMergePolicy()))) {
      long clock = 1_000_000;
      int n = 500 + random.nextInt(3000);
      boolean ties = seed % 2 == 0; // many events per millisecond, segments cut inside a run of equal times
      for (int i = 0; i < n; i++) {
        clock += ties ? (random.nextInt(25) == 0 ? 1 : 0) : random.nextInt(3); // mostly ascending with ties...
        long ts = random.nextInt(20) == 0 ? clock - random.nextInt(5_000) : clock; // ...and some late events
        Doc d = new Doc(ts, i, "k" + random.nextInt(random.nextBoolean() ? 3 : 50));
        docs.add(d);
        Document doc = new Document();
        doc.add(new LongPoint(FieldKinds.TIMESTAMP_FIELD, d.ts));
        doc.add(new NumericDocValuesField(FieldKinds.TIMESTAMP_FIELD, d.ts));
        doc.add(new LongPoint(FieldKinds.ID_FIELD, d.seq));
        doc.add(new NumericDocValuesField(FieldKinds.ID_FIELD, d.seq));
        doc.add(new StringField("k", d.k, Field.Store.NO));
        w.addDocument(doc);
        if (random.nextInt(ties ? 20 : 150) == 0) {
          w.flush(); // a new segment, like a refresh
        }
      }
      w.commit();
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        long lo = 1_000_000 + random.nextInt(n);
        long hi = lo + random.nextInt(n);
        compare(seed, searcher, docs, new MatchAllDocsQuery(), t -> true, random);
        compare(seed, searcher, docs, new TermQuery(new Term("k", "k1")), t -> true, random);
        compare(seed, searcher, docs, LongPoint.newRangeQuery(FieldKinds.TIMESTAMP_FIELD, lo, hi), t -> t >= lo && t <= hi,
            random);
      }
    }
  }

  private void compare(long seed, IndexSearcher searcher, List<Doc> docs, Query query, LongPredicate tsFilter,
      Random random) throws IOException {
    String k = query instanceof TermQuery tq ? tq.getTerm().text() : null;
    List<Doc> expected = docs.stream().filter(d -> k == null || d.k.equals(k)).filter(d -> tsFilter.test(d.ts))
        .sorted(Comparator.comparingLong(Doc::ts).thenComparingLong(Doc::seq).reversed()).toList();
    int pageSize = 1 + random.nextInt(40);
    int countLimit = 1 + random.nextInt(200);
    List<Long> got = new ArrayList<>();
    boolean hasAfter = false;
    long afterTs = 0;
    long afterSeq = 0;
    for (int page = 0; ; page++) {
      NewestFirst.Result r = NewestFirst.search(searcher, query, pageSize, hasAfter, afterTs, afterSeq, countLimit);
      if (page == 0) {
        if (r.exact()) {
          assertThat(r.counted()).as("seed %d %s: exact total", seed, query).isEqualTo(expected.size());
        } else {
          assertThat(r.counted()).as("seed %d %s: lower bound", seed, query)
              .isLessThanOrEqualTo(expected.size()).isGreaterThanOrEqualTo(Math.min(countLimit, expected.size()));
        }
      }
      for (long s : r.seqs()) {
        got.add(s);
      }
      if (r.docs().length < pageSize) {
        break;
      }
      hasAfter = true;
      afterTs = r.timestamps()[r.docs().length - 1];
      afterSeq = r.seqs()[r.docs().length - 1];
    }
    assertThat(got).as("seed %d %s page size %d", seed, query, pageSize)
        .containsExactlyElementsOf(expected.stream().map(Doc::seq).toList());
  }
}
