package io.phosor.forward;

import java.util.Locale;

/** What a destination can be sent: events (all, or those matching a query), alerts, incident changes. */
enum Kind {
  EVENTS,
  ALERTS,
  INCIDENTS;

  /** The word in forwarders.yml and in the API: "events", "alerts", "incidents". */
  String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The singular, for syslog MSGIDs, CEF categories and Splunk sourcetypes: "event", "alert", "incident". */
  String singular() {
    return word().substring(0, word().length() - 1);
  }
}
