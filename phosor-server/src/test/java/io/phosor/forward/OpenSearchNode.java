package io.phosor.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real single-node OpenSearch for tests: the {@code org.opensearch.distribution.integ-test-zip} distribution (no
 * security plugin) that Maven copies to target/opensearch/opensearch.zip, unpacked into a temporary directory and
 * started on loopback with a 256 MB heap. OpenSearch refuses to run as root, so as root it runs as {@code nobody}
 * (runuser). OpenSearch 2.x needs a JDK 11-21 (it installs a SecurityManager, which JDK 24 removed): one is taken from
 * PHOSOR_OPENSEARCH_JAVA_HOME or /usr/lib/jvm. When something is missing, {@link #start} says why instead of starting.
 */
final class OpenSearchNode implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** OpenSearch starts in 5-15 s on two busy cores; beyond this something is wrong. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path home;
  private final Process process;
  private final int port;

  private OpenSearchNode(Path home, Process process, int port) {
    this.home = home;
    this.process = process;
    this.port = port;
  }

  /** Why a node cannot be started here, or null when it can. */
  static String unavailable() {
    String zip = System.getProperty("phosor.opensearch.zip");
    if (zip == null || !Files.isRegularFile(Path.of(zip))) {
      return "no OpenSearch distribution at " + zip + " (run the tests through Maven, which copies it there)";
    }
    if (javaHome() == null) {
      return "no JDK 11-21 for OpenSearch 2.x (set PHOSOR_OPENSEARCH_JAVA_HOME, or install openjdk-17 or 21)";
    }
    if (isRoot() && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
      return "running as root and there is no runuser to start OpenSearch as an unprivileged user";
    }
    return null;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** A JDK whose feature release is 11-21, or null. */
  static Path javaHome() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("PHOSOR_OPENSEARCH_JAVA_HOME");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
      s.sorted(Comparator.reverseOrder()).forEach(candidates::add);
    } catch (IOException e) {
      // no /usr/lib/jvm
    }
    for (Path p : candidates) {
      Path release = p.resolve("release");
      if (!Files.isExecutable(p.resolve("bin/java")) || !Files.isRegularFile(release)) {
        continue;
      }
      Properties props = new Properties();
      try (InputStream in = Files.newInputStream(release)) {
        props.load(in);
      } catch (IOException e) {
        continue;
      }
      String v = props.getProperty("JAVA_VERSION", "").replace("\"", "");
      String major = v.startsWith("1.") ? v.substring(2).split("\\.")[0] : v.split("[.+-]")[0];
      try {
        int m = Integer.parseInt(major);
        if (m >= 11 && m <= 21) {
          return p.toRealPath();
        }
      } catch (NumberFormatException | IOException e) {
        // not a JDK we can use
      }
    }
    return null;
  }

  /** Unpacks and starts a node and waits until it answers; throws with the node's log when it does not start. */
  static OpenSearchNode start() throws IOException, InterruptedException {
    Path zip = Path.of(System.getProperty("phosor.opensearch.zip"));
    Path dir = Files.createTempDirectory("phosor-opensearch-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path home = unzip(zip, dir);
    int port = freePort();
    int transport = freePort();
    if (isRoot()) {
      UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.toList()) {
          Files.setOwner(p, nobody);
        }
      }
    }
    Path java = javaHome();
    List<String> cmd = new ArrayList<>();
    if (isRoot()) {
      cmd.addAll(List.of(Files.isExecutable(Path.of("/usr/sbin/runuser")) ? "/usr/sbin/runuser" : "/sbin/runuser",
          "-u", "nobody", "--", "/usr/bin/env", "JAVA_HOME=" + java, "OPENSEARCH_JAVA_HOME=" + java,
          "OPENSEARCH_JAVA_OPTS=-Xms256m -Xmx256m", "OPENSEARCH_PATH_CONF=" + home.resolve("config")));
    }
    cmd.add(home.resolve("bin/opensearch").toString());
    for (String setting : List.of("discovery.type=single-node", "network.host=127.0.0.1", "http.port=" + port,
        "transport.port=" + transport, "path.data=" + home.resolve("data"), "path.logs=" + home.resolve("logs"),
        "node.name=phosor-test", "cluster.routing.allocation.disk.threshold_enabled=false",
        "bootstrap.memory_lock=false")) {
      cmd.add("-E");
      cmd.add(setting);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("console.log").toFile());
    Map<String, String> env = pb.environment();
    env.put("JAVA_HOME", java.toString());
    env.put("OPENSEARCH_JAVA_HOME", java.toString());
    env.put("OPENSEARCH_JAVA_OPTS", "-Xms256m -Xmx256m");
    Process p = pb.start();
    OpenSearchNode node = new OpenSearchNode(home, p, port);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        break;
      }
      try {
        HttpResponse<String> r = node.request("GET", "/_cluster/health?wait_for_status=yellow&timeout=1s", null);
        if (r.statusCode() == 200) {
          return node;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    String log = tail(dir.resolve("console.log"), 40);
    node.close();
    throw new IOException("OpenSearch did not start within " + START_TIMEOUT.toSeconds() + " s; its output:\n" + log);
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Unpacks the zip into {@code dir} (bin/ made executable) and returns the distribution's top directory. */
  private static Path unzip(Path zip, Path dir) throws IOException {
    Path top = null;
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        Path target = dir.resolve(e.getName()).normalize();
        if (!target.startsWith(dir)) {
          throw new IOException("zip entry outside the directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = z.getInputStream(e)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (top == null) {
          top = dir.resolve(dir.relativize(target).getName(0));
        }
      }
    }
    if (top == null) {
      throw new IOException(zip + " is empty");
    }
    try (Stream<Path> s = Files.walk(top)) {
      for (Path p : s.toList()) {
        boolean exec = Files.isDirectory(p) || p.getParent().getFileName().toString().equals("bin");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return top;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** One request to the node; {@code body} JSON or null. */
  HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    // runuser, OpenSearch's launcher shell and the JVM: stop the JVM first, then the rest
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    java.util.Collections.reverse(tree);
    for (ProcessHandle h : tree) {
      h.destroy();
    }
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      for (ProcessHandle h : tree) {
        h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      tree.forEach(ProcessHandle::destroyForcibly);
    }
    try (Stream<Path> s = Files.walk(home.getParent())) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
