package io.phosor.intel;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AlienVault OTX DirectConnect API, the general section of an address
 * ({@code GET /api/v1/indicators/IPv4/{ip}/general}, {@code IPv6} for IPv6; header {@code X-OTX-API-KEY};
 * https://otx.alienvault.com/api): keeps the pulse count and names, the reputation, country and ASN.
 */
final class Otx extends RemoteService {
  /** Pulse names kept: enough to recognise a campaign, short enough for an alert. */
  static final int MAX_PULSES = 10;
  private final URI base;
  private final String key;

  Otx(URI base, String key, HttpClient http, Duration timeout) {
    super(http, timeout);
    this.base = base;
    this.key = key;
  }

  @Override
  String name() {
    return "otx";
  }

  @Override
  HttpRequest.Builder request(Ip.Block ip) {
    URI uri = resolve(base, "/api/v1/indicators/" + (ip.v6() ? "IPv6" : "IPv4") + "/" + ip.text() + "/general");
    return HttpRequest.newBuilder(uri).header("X-OTX-API-KEY", key).header("Accept", "application/json");
  }

  @Override
  Map<String, Object> parse(JsonNode body) throws LookupException {
    JsonNode info = body.path("pulse_info");
    if (!body.isObject() || !info.isObject()) {
      throw new LookupException("otx answered without pulse_info", 0);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode p : info.path("pulses")) {
      if (names.size() == MAX_PULSES) {
        break;
      }
      String n = p.path("name").asText("");
      if (!n.isEmpty()) {
        names.add(IndicatorParsers.abbreviate(n));
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pulse_count", info.path("count").asInt(names.size()));
    m.put("pulses", names);
    m.put("reputation", body.path("reputation").isNumber() ? body.get("reputation").numberValue() : null);
    m.put("country_name", AbuseIpDb.text(body, "country_name"));
    m.put("asn", AbuseIpDb.text(body, "asn"));
    return m;
  }
}
