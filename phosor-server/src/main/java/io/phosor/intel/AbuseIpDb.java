package io.phosor.intel;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AbuseIPDB APIv2 CHECK endpoint ({@code GET /api/v2/check?ipAddress=...&maxAgeInDays=90}, headers {@code Key}
 * and {@code Accept: application/json}; https://docs.abuseipdb.com/#check-endpoint): keeps the confidence score,
 * report count, country, ISP, usage type, whitelisting and the last report time.
 */
final class AbuseIpDb extends RemoteService {
  /** Reports considered: AbuseIPDB's default window and the one its dashboard shows. */
  static final int MAX_AGE_DAYS = 90;
  private final URI base;
  private final String key;

  AbuseIpDb(URI base, String key, HttpClient http, Duration timeout) {
    super(http, timeout);
    this.base = base;
    this.key = key;
  }

  @Override
  String name() {
    return "abuseipdb";
  }

  @Override
  HttpRequest.Builder request(Ip.Block ip) {
    URI uri = resolve(base, "/api/v2/check?ipAddress=" + URLEncoder.encode(ip.text(), StandardCharsets.UTF_8)
        + "&maxAgeInDays=" + MAX_AGE_DAYS);
    return HttpRequest.newBuilder(uri).header("Key", key).header("Accept", "application/json");
  }

  @Override
  Map<String, Object> parse(JsonNode body) throws LookupException {
    JsonNode d = body.path("data");
    if (!d.isObject() || !d.has("abuseConfidenceScore")) {
      throw new LookupException("abuseipdb answered without data.abuseConfidenceScore", 0);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("abuse_confidence_score", d.path("abuseConfidenceScore").asInt());
    m.put("total_reports", d.path("totalReports").asLong());
    m.put("country_code", text(d, "countryCode"));
    m.put("isp", text(d, "isp"));
    m.put("usage_type", text(d, "usageType"));
    m.put("is_whitelisted", d.path("isWhitelisted").isBoolean() ? d.get("isWhitelisted").asBoolean() : null);
    m.put("last_reported_at", text(d, "lastReportedAt"));
    return m;
  }

  static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : IndicatorParsers.abbreviate(v.asText());
  }
}
