package io.phosor.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.HttpApi;
import io.phosor.auth.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the dashboard (docs/dashboard.md): {@code GET /} is {@code index.html}, {@code GET /ui/{file}} its
 * scripts, styles and images, read from the jar ({@code dashboard/} on the class path). The files hold no data,
 * so they are public; every API call the page makes carries the user's token. Each answer gets a strict
 * Content-Security-Policy (no inline script, no other origin), {@code nosniff}, no referrer and no framing.
 */
public final class DashboardRoutes {
  /** Where the files live on the class path. */
  static final String ROOT = "dashboard/";
  /**
   * The policy of every dashboard answer: scripts and styles from this origin only (no inline code, no eval),
   * API and WebSocket to this origin only ('self' covers ws: and wss: of the same host in CSP level 3), no
   * plugins, forms post nowhere else, and no other site may frame the page (clickjacking).
   */
  public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; "
      + "object-src 'none'; frame-ancestors 'none'";
  /**
   * File names the route serves: one flat directory, a plain name and a known extension. Anything else is a 404
   * before the class path is touched, so no path can climb out of {@code dashboard/}.
   */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}\\.(js|css|svg|png|ico|txt)");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "txt", "text/plain; charset=utf-8");

  private record File(byte[] bytes, String type, String etag) {}

  private final ClassLoader loader;
  private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

  /** Serves the files found by {@code loader} under {@code dashboard/}. */
  public DashboardRoutes(ClassLoader loader) {
    this.loader = loader;
  }

  /** Registers {@code GET /} and {@code GET /ui/{file}} as public routes. */
  public void register(Javalin app) {
    app.get("/", ctx -> serve(ctx, "index.html"), Role.PUBLIC);
    app.get("/ui/{file}", ctx -> {
      String name = ctx.pathParam("file");
      serve(ctx, NAME.matcher(name).matches() ? name : null);
    }, Role.PUBLIC);
  }

  private void serve(Context ctx, String name) {
    headers(ctx);
    File f = name == null ? null : cache.computeIfAbsent(name, this::load).orElse(null);
    if (f == null) {
      HttpApi.error(ctx, 404, "not_found", "no dashboard file " + ctx.path());
      return;
    }
    // no-cache: the browser keeps the file but asks each time; the ETag makes that a 304 without a body, and a
    // new Phosor version is picked up at once (module imports carry no version in their URLs).
    ctx.header("Cache-Control", "no-cache");
    ctx.header("ETag", f.etag());
    String match = ctx.header("If-None-Match");
    if (match != null && match.contains(f.etag())) {
      ctx.status(304);
      return;
    }
    ctx.contentType(f.type()).result(f.bytes());
  }

  /** The security headers of every dashboard answer (also on a 404). */
  static void headers(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
  }

  private Optional<File> load(String name) {
    try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      String ext = name.substring(name.lastIndexOf('.') + 1);
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
      String etag = "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\"";
      return Optional.of(new File(bytes, TYPES.get(ext), etag));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard file " + name, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
