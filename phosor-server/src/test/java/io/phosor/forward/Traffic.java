package io.phosor.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.server.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What the forwarding tests send into a real server: webhook events and sshd failures that raise alerts. */
final class Traffic {
  private Traffic() {}

  /** Posts {@code n} JSON events to the webhook ({@code n} from {@code first} on in field {@code n}). */
  static void webhook(TestServer t, int first, int n, String user) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = first; i < first + n; i++) {
      sb.append("{\"message\": \"order ").append(i).append(" paid\", \"n\": ").append(i).append(", \"user\": \"")
          .append(user).append("\", \"event_type\": \"payment\"}\n");
    }
    HttpResponse<String> r = t.post("/api/webhook/shop", "Bearer " + TestServer.INGEST_TOKEN, sb.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Sends {@code n} sshd "Failed password" lines from {@code ip} over syslog TCP (raises built-in alerts). */
  static void sshFailures(TestServer t, int n, String ip) throws Exception {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMM dd HH:mm:ss",
        Locale.ROOT));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("<38>").append(stamp).append(" srv1 sshd[4242]: Failed password for root from ").append(ip)
          .append(" port ").append(40000 + i).append(" ssh2\n");
    }
    try (Socket s = new Socket("127.0.0.1", t.server().syslogTcpPort()); OutputStream out = s.getOutputStream()) {
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
