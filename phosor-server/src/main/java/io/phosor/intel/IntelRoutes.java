package io.phosor.intel;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.phosor.api.ApiException;
import io.phosor.api.HttpApi;
import io.phosor.api.Params;
import io.phosor.audit.Audit;
import io.phosor.auth.Principal;
import io.phosor.auth.Role;
import io.phosor.config.ResponseConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/intel/ip/{ip}} (analyst: local matches and the remote answers for one address; audited as
 * {@code intel.lookup}, since it can spend remote look-ups and tells a third party about the address) and
 * {@code GET /api/intel/sources} (viewer: the indicator files, their entries and errors, the remote services).
 */
final class IntelRoutes {
  private final IndicatorFiles files;
  private final Reputations reputations;
  private final Audit audit;
  private final ResponseConfig config;

  IntelRoutes(IndicatorFiles files, Reputations reputations, Audit audit, ResponseConfig config) {
    this.files = files;
    this.reputations = reputations;
    this.audit = audit;
    this.config = config;
  }

  void register(Javalin app) {
    app.get("/api/intel/ip/{ip}", this::ip, Role.ANALYST);
    app.get("/api/intel/sources", this::sources, Role.VIEWER);
  }

  private void ip(Context ctx) {
    String raw = ctx.pathParam("ip");
    Ip.Block b = Ip.parseAddress(raw);
    if (b == null) {
      throw ApiException.badRequest("'" + Params.abbreviate(raw) + "' is not an IPv4 or IPv6 address");
    }
    Reputation r = reputations.lookup(b, true);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ip", r.ip());
    body.put("public", SpecialAddresses.isPublic(b));
    body.putAll(r.toJson());
    Principal who = HttpApi.principal(ctx);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("listed", r.listed());
    detail.put("abuseipdb", r.abuseIpDb() == null ? "not_configured" : status(r.abuseIpDb()));
    detail.put("otx", r.otx() == null ? "not_configured" : status(r.otx()));
    audit.record(who.name(), who.role().id(), ctx.ip(), "intel.lookup", r.ip(), "success", detail);
    ctx.json(body);
  }

  private static String status(Reputation.Answer a) {
    return a.cached() ? "cached" : a.status();
  }

  private void sources(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("dir", files.dir().toString());
    Instant last = files.lastReload();
    body.put("last_reload", last == null ? null : last.toString());
    body.put("entries", files.index().size());
    body.put("reload_seconds", config.intelReloadInterval().toSeconds());
    body.put("files", files.status());
    body.put("remote", Intel.remoteJson(config, reputations));
    ctx.json(body);
  }
}
