package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.phosor.disk.SmallDisk;
import io.phosor.event.Event;
import io.phosor.journal.Journal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, faults: the data directory is a real 24 MiB tmpfs that the test fills to the last byte. Ingestion
 * must pause (503 saying why, /health saying why), acknowledge nothing it has not journaled, lose nothing it
 * acknowledged, and resume by itself when space returns, with the journal contiguous and without duplicates.
 */
class DiskFullTest {
  @TempDir
  Path mount;

  @Test
  void aFullDiskPausesIngestionAndItResumesByItselfWithoutLosingAcknowledgedEvents() throws Exception {
    Path data = mount.resolve("data");
    try (SmallDisk disk = SmallDisk.mount(mount, 24L << 20)) {
      Files.createDirectories(data);
      List<String> acked = new ArrayList<>();
      try (TestServer s = TestServer.start(data, Map.of("PHOSOR_MIN_FREE_DISK_BYTES", "0",
          "PHOSOR_SEARCH_ENABLED", "false"))) {
        for (int i = 0; i < 20; i++) {
          assertThat(post(s, "before-" + i).statusCode()).isEqualTo(200);
          acked.add("before-" + i);
        }
        disk.fill("filler");
        // the journal's last page may still hold a few events; after that a request is held, not acknowledged,
        // while the journal cannot write
        CompletableFuture<HttpResponse<String>> held = null;
        for (int i = 0; i < 500 && held == null; i++) {
          CompletableFuture<HttpResponse<String>> f = postAsync(s, "probe-" + i);
          try {
            HttpResponse<String> r = f.get(3, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            acked.add("probe-" + i);
          } catch (java.util.concurrent.TimeoutException e) {
            held = f;
          }
        }
        assertThat(held).as("a request is held once the disk is full").isNotNull();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          HttpResponse<String> h = s.get("/health", null);
          assertThat(h.statusCode()).isEqualTo(503);
          assertThat(h.body()).contains("\"ingest\"").contains("ingestion paused").contains("journal write failed");
        });
        assertThat(held).isNotDone();
        HttpResponse<String> refused = post(s, "refused");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("ingestion_paused").contains("retry later");

        disk.free("filler");
        // resumes by itself: the held request is answered 200, /health is ok again, new events are taken
        assertThat(held.get().statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(s.get("/health", null).statusCode())
            .isEqualTo(200));
        for (int i = 0; i < 20; i++) {
          assertThat(post(s, "after-" + i).statusCode()).isEqualTo(200);
          acked.add("after-" + i);
        }
      }
      List<Event> journaled = Journal.readAll(data.resolve("journal"));
      List<String> messages = new ArrayList<>();
      Set<Long> seqs = new HashSet<>();
      for (int i = 0; i < journaled.size(); i++) {
        assertThat(journaled.get(i).seq()).as("contiguous ids").isEqualTo(i + 1);
        seqs.add(journaled.get(i).seq());
        messages.add(journaled.get(i).getString("message"));
      }
      assertThat(messages).doesNotHaveDuplicates().containsAll(acked).doesNotContain("refused");
    }
  }

  @Test
  void belowTheFreeSpaceMinimumIngestionPausesBeforeTheDiskIsFull() throws Exception {
    Path data = mount.resolve("data");
    try (SmallDisk disk = SmallDisk.mount(mount, 24L << 20)) {
      Files.createDirectories(data);
      try (TestServer s = TestServer.start(data, Map.of("PHOSOR_MIN_FREE_DISK_BYTES", Long.toString(8L << 20),
          "PHOSOR_SEARCH_ENABLED", "false"))) {
        assertThat(post(s, "first").statusCode()).isEqualTo(200);
        long free = Files.getFileStore(mount).getUsableSpace();
        try (var out = Files.newOutputStream(mount.resolve("filler"))) {
          out.write(new byte[(int) (free - (4L << 20))]);
        }
        CompletableFuture<HttpResponse<String>> held = postAsync(s, "held");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          HttpResponse<String> h = s.get("/health", null);
          assertThat(h.statusCode()).isEqualTo(503);
          assertThat(h.body()).contains("disk low").contains("PHOSOR_MIN_FREE_DISK_BYTES");
        });
        assertThat(held).isNotDone();
        disk.free("filler");
        assertThat(held.get().statusCode()).isEqualTo(200);
        assertThat(post(s, "after").statusCode()).isEqualTo(200);
      }
      assertThat(Journal.readAll(data.resolve("journal"))).extracting(e -> e.getString("message"))
          .containsExactly("first", "held", "after");
    }
  }

  private static HttpResponse<String> post(TestServer s, String msg) throws Exception {
    return s.post("/api/webhook/disk", TestServer.ingest(), "{\"message\":\"" + msg + "\"}");
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(TestServer s, String msg) {
    return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(s.url("/api/webhook/disk")))
        .header("Authorization", TestServer.ingest()).POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + msg
            + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
  }
}
