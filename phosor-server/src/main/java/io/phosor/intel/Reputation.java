package io.phosor.intel;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Phosor knows about one address: the local indicators that list it and the answers of the remote
 * reputation services.
 *
 * @param ip the address (canonical text)
 * @param indicators the local indicator files' entries that list it, most specific first, as JSON objects
 * @param abuseIpDb AbuseIPDB's answer, or null when no key is set
 * @param otx AlienVault OTX's answer, or null when no key is set
 */
public record Reputation(String ip, List<Map<String, Object>> indicators, Answer abuseIpDb, Answer otx) {

  /** Copies the list. */
  public Reputation {
    indicators = List.copyOf(indicators);
  }

  /**
   * One service's answer.
   *
   * @param status {@code ok}, {@code not_sent} (a private or reserved address), {@code rate_limited} (the
   *     look-up budget per minute is spent, or the service said so), or {@code error}
   * @param data the fields kept from the service's answer ({@code ok} only), else empty
   * @param message why, for every status but {@code ok}
   * @param checkedAt when the service answered (cached answers keep their time), or null
   * @param cached whether it came from the one-hour cache
   */
  public record Answer(String status, Map<String, Object> data, String message, Instant checkedAt, boolean cached) {
    /** Copies the data. */
    public Answer {
      data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** Whether the service answered. */
    public boolean ok() {
      return "ok".equals(status);
    }

    Answer fromCache() {
      return new Answer(status, data, message, checkedAt, true);
    }

    /** The answer as JSON. */
    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("status", status);
      if (ok()) {
        m.putAll(data);
        m.put("checked_at", checkedAt == null ? null : checkedAt.toString());
        m.put("cached", cached);
      } else {
        m.put("message", message);
      }
      return m;
    }
  }

  /** Whether a local indicator lists the address. */
  public boolean listed() {
    return !indicators.isEmpty();
  }

  /** AbuseIPDB's confidence score 0-100, or -1 when there is none. */
  public int abuseConfidenceScore() {
    return abuseIpDb != null && abuseIpDb.ok() && abuseIpDb.data().get("abuse_confidence_score") instanceof Number n
        ? n.intValue() : -1;
  }

  /** The reputation as JSON: {@code indicators}, and {@code abuseipdb} / {@code otx} when configured. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("indicators", indicators);
    if (abuseIpDb != null) {
      m.put("abuseipdb", abuseIpDb.toJson());
    }
    if (otx != null) {
      m.put("otx", otx.toJson());
    }
    return m;
  }
}
