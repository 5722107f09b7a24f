package io.phosor.search;

import java.time.Clock;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void show() {
    var kinds = new FieldKinds();
    for (String q : new String[] {"user.name:root AND", "(a OR b", "a OR b)", "\"Failed password", "foo:", ":foo",
        "a AND AND b", "source.ip:999.1.1.1", "source.ip:\"10.0.0.0/8\"", "source.ip:10.0.0.0\\/8", "source.port:>1024",
        "http.response.status_code:[500 TO *]", "@timestamp:[2026-11-01 TO 2026-11-02]", "sshd[1234]", "foo\\", "a ~~",
        "source.port:abc", "host.name:web*", "user.name:Root", "Failed AND root", "NOT user.name:root",
        "source.ip:[10.0.0.1 TO 10.0.0.9}", "message:/fail.*/", "a^", "x:[1 TO", "source.port:[a TO b]",
        "source.port:web*", "@timestamp:\"2026-11-21T10:00:00Z\"", "@timestamp:>now-15m", "*:*", "user:*"}) {
      try {
        System.out.println(q + "  =>  " + EventQueryParser.parse(q, kinds, Clock.systemUTC(), new StandardAnalyzer()));
      } catch (RuntimeException e) {
        System.out.println(q + "  =>  " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }
}
