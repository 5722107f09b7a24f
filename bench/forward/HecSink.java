import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal Splunk HEC stand-in for the forwarding load run (BENCHMARKS.md): listens on 127.0.0.1:PORT, answers every
 * POST with HEC's success and counts the events (one per line in Phosor's HEC bodies) and bytes, printing the rate each
 * second. Not a test: run it with `java bench/forward/HecSink.java 18088`. Stops after STOP_AFTER seconds idle (60).
 */
public class HecSink {
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 18088;
    AtomicLong events = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    byte[] ok = "{\"text\":\"Success\",\"code\":0}".getBytes(StandardCharsets.US_ASCII);
    s.createContext("/", ex -> {
      long n = 0;
      long b = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = ex.getRequestBody()) {
        int r;
        while ((r = in.read(buf)) > 0) {
          b += r;
          for (int i = 0; i < r; i++) {
            if (buf[i] == '\n') {
              n++;
            }
          }
        }
      }
      events.addAndGet(n);
      bytes.addAndGet(b);
      requests.incrementAndGet();
      ex.sendResponseHeaders(200, ok.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(ok);
      }
    });
    s.setExecutor(Executors.newFixedThreadPool(2));
    s.start();
    System.out.println("HEC sink on 127.0.0.1:" + port);
    long last = 0;
    int idle = 0;
    long first = 0;
    while (idle < 60) {
      Thread.sleep(1000);
      long now = events.get();
      if (now > 0 && first == 0) {
        first = System.nanoTime();
      }
      if (now == last) {
        idle++;
      } else {
        idle = 0;
        System.out.printf("events %,d (+%,d/s), requests %,d, %,d MB%n", now, now - last, requests.get(),
            bytes.get() >> 20);
      }
      last = now;
    }
    s.stop(0);
    System.exit(0);
  }
}
