package io.phosor.respond;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the configured firewall command for one address: the argument list as configured with {@code {ip}}
 * replaced by the (already checked and normalised) address, started directly with {@link ProcessBuilder} (never
 * through a shell), standard input empty, output captured up to {@link #MAX_OUTPUT} bytes, killed after the timeout.
 */
final class FirewallCommand {
  /** Output kept for the outcome; the rest is read and dropped so the command never blocks on a full pipe. */
  static final int MAX_OUTPUT = 2048;

  private final List<String> template;
  private final Duration timeout;

  /** {@code template} is empty when no command is configured. */
  FirewallCommand(List<String> template, Duration timeout) {
    this.template = List.copyOf(template);
    this.timeout = timeout;
  }

  /** Whether a command is configured. */
  boolean configured() {
    return !template.isEmpty();
  }

  /** The arguments run for {@code address}. */
  List<String> arguments(String address) {
    List<String> out = new ArrayList<>(template.size());
    for (String a : template) {
      out.add(a.replace("{ip}", address));
    }
    return out;
  }

  /**
   * Runs it for {@code address} (which must be a normalised IP literal) and returns the outcome, e.g.
   * "firewall command exited 0".
   *
   * @throws ActionFailure when it cannot start, exits non-zero (the code and the start of its output in the message,
   *     retryable) or runs longer than the timeout (killed, retryable)
   */
  String run(String address) throws ActionFailure {
    if (IpAddresses.parse(address) == null || !address.equals(IpAddresses.normalize(address))) {
      throw new ActionFailure("'" + address + "' is not a normalised IP address; the firewall command was not run",
          false);
    }
    ProcessBuilder pb = new ProcessBuilder(arguments(address)).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new ActionFailure("firewall command " + template.get(0) + " could not start: " + e.getMessage(), false);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), out));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new ActionFailure("firewall command killed after " + timeout.toSeconds() + " s (PHOSOR_RESPONSE_TIMEOUT_"
            + "SECONDS)", true);
      }
      reader.join(1000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ActionFailure("firewall command interrupted", true);
    }
    String text;
    synchronized (out) {
      text = out.toString(StandardCharsets.UTF_8).strip();
    }
    int code = p.exitValue();
    if (code != 0) {
      throw new ActionFailure("firewall command exited " + code + (text.isEmpty() ? "" : ": " + oneLine(text)), true);
    }
    return "firewall command exited 0" + (text.isEmpty() ? "" : ": " + oneLine(text));
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  private static void drain(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[1024];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        synchronized (out) {
          int room = MAX_OUTPUT - out.size();
          if (room > 0) {
            out.write(buf, 0, Math.min(room, n));
          }
        }
      }
    } catch (IOException e) {
      // the process ended or was killed
    }
  }
}
