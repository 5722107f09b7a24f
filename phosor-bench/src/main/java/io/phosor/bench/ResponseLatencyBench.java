package io.phosor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * From alert to notification sent (issue 6's figure: p99 under 1 s with all integrations enabled), measured
 * against a real {@code phosor serve} process.
 *
 * <p>The tool starts local stand-ins for every integration — Slack, Teams, PagerDuty, the signed webhook and a
 * SCIM server as HTTP servers that answer like the real services, and GreenMail for SMTP — then starts Phosor
 * with all of them configured and the default playbooks, and sends sshd "Failed password" lines over syslog TCP
 * from {@code attackers} distinct addresses (5 each, so every address fires ssh-failed-login (medium) and
 * ssh-brute-force (critical) and opens its own incident). The default playbooks then send the medium
 * notifications (Slack, Teams, email, webhook) and the critical ones (PagerDuty and the others), block the
 * address and try to disable the account. For every notification action Phosor recorded as succeeded, the
 * latency is its {@code finished_at} (the receiving server accepted it) minus its alert's {@code created_at}
 * (the alert was stored): both are Phosor's own clock, in milliseconds.
 *
 * <pre>java -cp phosor-bench.jar io.phosor.bench.ResponseLatencyBench PHOSOR_LAUNCHER WORK_DIR [attackers] [per_second]</pre>
 */
public final class ResponseLatencyBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "bench-admin-password-0123";

  private ResponseLatencyBench() {}

  /** Runs the benchmark; prints a report. */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ResponseLatencyBench PHOSOR_LAUNCHER WORK_DIR [attackers=200] [attackers_per_second=20]");
      System.exit(2);
    }
    Path launcher = Path.of(args[0]).toAbsolutePath();
    Path work = Path.of(args[1]).toAbsolutePath();
    int attackers = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int perSecond = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    Files.createDirectories(work);
    Path data = Files.createTempDirectory(work, "data");

    Receivers rx = new Receivers();
    int smtpPort = freePort();
    GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    int httpPort = freePort();
    int syslogPort = freePort();
    String base = "http://127.0.0.1:" + rx.port();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PHOSOR_DATA_DIR", data.toString());
    env.put("PHOSOR_HTTP_HOST", "127.0.0.1");
    env.put("PHOSOR_HTTP_PORT", Integer.toString(httpPort));
    env.put("PHOSOR_SYSLOG_HOST", "127.0.0.1");
    env.put("PHOSOR_SYSLOG_PORT", Integer.toString(syslogPort));
    env.put("PHOSOR_ADMIN_PASSWORD", PASSWORD);
    env.put("PHOSOR_SEARCH_ENABLED", "false");
    env.put("PHOSOR_MIN_FREE_DISK_BYTES", "0");
    env.put("PHOSOR_PUBLIC_URL", "http://phosor.bench.test");
    env.put("PHOSOR_SLACK_WEBHOOK", base + "/slack/T000/B000/XXXX");
    env.put("PHOSOR_TEAMS_WEBHOOK", base + "/teams/webhook");
    env.put("PHOSOR_PAGERDUTY_ROUTING_KEY", "R0UTINGKEY0123456789abcdef012345");
    env.put("PHOSOR_PAGERDUTY_URL", base + "/v2/enqueue");
    env.put("PHOSOR_WEBHOOK_URL", base + "/hook");
    env.put("PHOSOR_WEBHOOK_SECRET", "bench-webhook-secret-0123456789");
    env.put("PHOSOR_SCIM_URL", base + "/scim/v2");
    env.put("PHOSOR_SCIM_TOKEN", "bench-scim-token-0123456789");
    env.put("PHOSOR_SMTP_HOST", "127.0.0.1");
    env.put("PHOSOR_SMTP_PORT", Integer.toString(smtpPort));
    env.put("PHOSOR_SMTP_SECURITY", "none");
    env.put("PHOSOR_SMTP_TO", "soc@bench.test");
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "serve").directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("phosor.log").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process server = pb.start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String api = "http://127.0.0.1:" + httpPort;
    try {
      waitHealthy(http, api, server);
      String token = login(http, api);
      long start = System.nanoTime();
      send(syslogPort, attackers, perSecond);
      double sendSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("sent %d sshd lines from %d addresses in %.1f s%n", attackers * 5, attackers, sendSeconds);
      report(http, api, token, attackers, rx, mail);
    } finally {
      server.destroy();
      server.waitFor();
      rx.close();
      mail.stop();
    }
    System.exit(0); // the stand-ins' and the HTTP client's threads would keep the JVM alive
  }

  private static void send(int port, int attackers, int perSecond) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port); OutputStream out = s.getOutputStream()) {
      long intervalNanos = 1_000_000_000L / perSecond;
      long next = System.nanoTime();
      for (int i = 0; i < attackers; i++) {
        String ip = "203.0." + (113 + i / 250) + "." + (1 + i % 250);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 5; k++) {
          sb.append("<38>1 ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)).append(" bench-host sshd 4242 - - Failed password for user")
              .append(i).append(" from ").append(ip).append(" port ").append(40000 + k).append(" ssh2\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        next += intervalNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    }
  }

  private static void report(HttpClient http, String api, String token, int attackers, Receivers rx, GreenMail mail)
      throws Exception {
    // Wait until every action has finished (or 120 s).
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    List<JsonNode> actions;
    while (true) {
      actions = actions(http, api, token);
      long unfinished = actions.stream().filter(a -> a.path("finished_at").isNull()
          || a.path("finished_at").isMissingNode()).count();
      long notices = actions.stream().filter(a -> a.path("type").asText().equals("alert")).count();
      if ((unfinished == 0 && notices >= attackers) || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(1000);
    }
    Map<Long, Instant> alertCreated = new HashMap<>();
    Map<String, List<Long>> byChannel = new TreeMap<>();
    Map<String, Long> statuses = new TreeMap<>();
    List<Long> all = new ArrayList<>();
    for (JsonNode a : actions) {
      String key = a.path("type").asText() + " " + a.path("status").asText();
      statuses.merge(key, 1L, Long::sum);
      if (!a.path("type").asText().equals("alert") || !a.path("status").asText().equals("succeeded")
          || a.path("alert_id").isNull()) {
        continue;
      }
      long alertId = a.path("alert_id").asLong();
      Instant created = alertCreated.get(alertId);
      if (created == null) {
        created = Instant.parse(get(http, api + "/api/alerts/" + alertId, token).path("created_at").asText());
        alertCreated.put(alertId, created);
      }
      long ms = Duration.between(created, Instant.parse(a.path("finished_at").asText())).toMillis();
      String channel = a.path("parameters").path("channel").asText("?");
      byChannel.computeIfAbsent(channel, c -> new ArrayList<>()).add(ms);
      all.add(ms);
    }
    System.out.println("actions by type and status: " + statuses);
    System.out.println("requests received by the stand-ins: " + rx.counts() + ", emails: "
        + mail.getReceivedMessages().length);
    System.out.println("alert stored -> notification accepted (ms):");
    System.out.println("| channel | notifications | p50 | p90 | p99 | max |");
    System.out.println("|---|---|---|---|---|---|");
    byChannel.forEach((c, l) -> System.out.println(row(c, l)));
    System.out.println(row("all", all));
  }

  private static String row(String name, List<Long> l) {
    if (l.isEmpty()) {
      return "| " + name + " | 0 | | | | |";
    }
    List<Long> s = new ArrayList<>(l);
    Collections.sort(s);
    return "| " + name + " | " + s.size() + " | " + pct(s, 50) + " | " + pct(s, 90) + " | " + pct(s, 99) + " | "
        + s.get(s.size() - 1) + " |";
  }

  private static long pct(List<Long> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static List<JsonNode> actions(HttpClient http, String api, String token) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    String before = "";
    while (true) {
      JsonNode page = get(http, api + "/api/actions?limit=1000" + before, token);
      page.path("actions").forEach(out::add);
      JsonNode next = page.path("next_before");
      if (next.isMissingNode() || next.isNull()) {
        return out;
      }
      before = "&before=" + next.asLong();
    }
  }

  private static JsonNode get(HttpClient http, String url, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static String login(HttpClient http, String api) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("login answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body()).path("access_token").asText();
  }

  private static void waitHealthy(HttpClient http, String api, Process server) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IOException("phosor serve exited with " + server.exitValue() + "; see phosor.log in the work dir");
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(500);
    }
    throw new IOException("phosor serve did not become healthy within 5 minutes");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** HTTP stand-ins answering like Slack (200 "ok"), Teams (200), PagerDuty (202), a webhook and SCIM. */
  private static final class Receivers implements AutoCloseable {
    private final HttpServer server;
    private final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(8);
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    Receivers() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
      server.setExecutor(pool);
      server.createContext("/slack/", ex -> answer(ex, "slack", 200, "text/plain", "ok"));
      server.createContext("/teams/", ex -> answer(ex, "teams", 200, "text/plain", "1"));
      server.createContext("/v2/enqueue", ex -> answer(ex, "pagerduty", 202, "application/json",
          "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}"));
      server.createContext("/hook", ex -> answer(ex, "webhook", 200, "application/json", "{}"));
      server.createContext("/scim/v2/Users", ex -> {
        if (ex.getRequestMethod().equals("GET")) {
          // filter=userName eq "<name>": answer with that user, as a SCIM server would
          String q = java.net.URLDecoder.decode(String.valueOf(ex.getRequestURI().getRawQuery()), StandardCharsets.UTF_8);
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("userName eq \"([^\"]*)\"").matcher(q);
          String name = m.find() ? m.group(1) : "nobody";
          answer(ex, "scim-get", 200, "application/scim+json", "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:"
              + "ListResponse\"],\"totalResults\":1,\"Resources\":[{\"id\":\"u-" + name + "\",\"userName\":\""
              + name + "\",\"active\":true}]}");
        } else {
          answer(ex, "scim-patch", 200, "application/scim+json", "{\"id\":\"u-1\",\"active\":false}");
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    Map<String, Long> counts() {
      Map<String, Long> out = new TreeMap<>();
      counts.forEach((k, v) -> out.put(k, v.get()));
      return out;
    }

    private void answer(HttpExchange ex, String name, int status, String type, String body) throws IOException {
      ex.getRequestBody().readAllBytes();
      counts.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      }
    }

    @Override
    public void close() {
      server.stop(0);
      pool.shutdownNow();
    }
  }
}
