package io.phosor.search;

import io.phosor.event.Event;
import io.phosor.parse.EventParser;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Realistic events for the index tests: real-looking sshd, sudo and nginx syslog lines and JSON objects
 * run through the real {@link EventParser}, numbered like the journal numbers them.
 */
final class TestEvents {
  private static final DateTimeFormatter BSD = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  // RFC 3164 stamps have no year; a parser clock at the end of 2026 puts every test stamp in 2026
  private final EventParser parser = new EventParser(Clock.fixed(Instant.parse("2026-12-31T12:00:00Z"), ZoneOffset.UTC));
  private long seq;

  TestEvents() {
    this(0);
  }

  TestEvents(long firstSeq) {
    this.seq = firstSeq;
  }

  /** The seq the next event gets. */
  long nextSeq() {
    return seq;
  }

  private Event number(Event e) {
    e.seq(seq++);
    return e;
  }

  /** A line parsed as the syslog source received it at {@code ingested}. */
  Event line(Instant ingested, String line) {
    return number(parser.parseText("syslog", "10.0.0.2:514", ZoneOffset.UTC, ingested, line));
  }

  /** {@code sshd: Failed password for [invalid user ]<user> from <ip> port <port> ssh2} at {@code at}. */
  Event failedPassword(Instant at, Instant ingested, String user, String ip, int port) {
    return line(ingested, "<38>" + BSD.format(at) + " srv31 sshd[33151]: Failed password for invalid user " + user
        + " from " + ip + " port " + port + " ssh2");
  }

  /** {@code sshd: Accepted publickey for <user> from <ip>} at {@code at}. */
  Event acceptedKey(Instant at, Instant ingested, String host, String user, String ip) {
    return line(ingested, "<86>" + BSD.format(at) + " " + host + " sshd[4242]: Accepted publickey for " + user
        + " from " + ip + " port 51234 ssh2: RSA SHA256:x2fA");
  }

  /** {@code sudo: <user> : ... COMMAND=<command>} at {@code at}. */
  Event sudo(Instant at, Instant ingested, String user, String command) {
    return line(ingested, "<85>" + BSD.format(at) + " db01 sudo:   " + user
        + " : TTY=pts/0 ; PWD=/home/" + user + " ; USER=root ; COMMAND=" + command);
  }

  /** An nginx access line relayed by syslog at {@code at}. */
  Event web(Instant at, Instant ingested, String host, String ip, String method, String path, int status, long bytes) {
    return line(ingested, "<190>" + BSD.format(at) + " " + host + " nginx: " + ip + " - - [" + CLF.format(at) + "] \""
        + method + " " + path + " HTTP/1.1\" " + status + " " + bytes + " \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"");
  }

  /** A JSON object received over HTTP (webhook) at {@code ingested}. */
  Event json(Instant ingested, Map<String, Object> object) {
    return number(parser.parseObject("webhook:app", "192.0.2.10", ZoneOffset.UTC, ingested, object,
        object.toString()));
  }
}
