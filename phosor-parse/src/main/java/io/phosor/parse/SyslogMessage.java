package io.phosor.parse;

import java.time.Instant;
import java.util.Map;

/** The header fields and MSG of one syslog message (RFC 5424 or RFC 3164); absent parts are null or -1. */
final class SyslogMessage {
  /** PRI value 0..191, or -1 when the message had no PRI part. */
  int priority = -1;
  /** RFC 5424 VERSION, or 0 for RFC 3164. */
  int version;
  Instant timestamp;
  String hostname;
  String appname;
  String procid;
  String msgid;
  /** RFC 5424 STRUCTURED-DATA: SD-ID to its parameters, in message order; null when NILVALUE. */
  Map<String, Map<String, String>> structuredData;
  /** MSG without a leading BOM; null when the message has none. */
  String message;
  /** True when MSG started with the UTF-8 BOM (RFC 5424 section 6.4). */
  boolean bom;

  int facility() {
    return priority < 0 ? -1 : priority >> 3;
  }

  int severity() {
    return priority < 0 ? -1 : priority & 7;
  }
}
