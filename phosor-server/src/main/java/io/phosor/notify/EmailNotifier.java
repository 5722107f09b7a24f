package io.phosor.notify;

import io.phosor.config.ResponseConfig;
import io.phosor.respond.ActionFailure;
import io.phosor.respond.Notice;
import io.phosor.respond.Notifier;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Email over SMTP (RFC 5321) with Jakarta Mail (Eclipse Angus). Security as configured: "starttls" upgrades with
 * STARTTLS (RFC 3207) and fails when the server does not offer it (never falls back to plain text); "tls" speaks
 * TLS from the first byte (RFC 8314, port 465); "none" is plain SMTP for a relay on the same host. The server's
 * certificate and host name are checked. Authentication when a user is set. Connect, read and write timeouts
 * are the action timeout each. The message is plain text (UTF-8), the subject {@code [Phosor][HIGH] title};
 * the Message-ID derives from the dedup key (a resolve refers to its trigger with In-Reply-To), and every header
 * value built from user text is cleaned of CR, LF and other control characters, so it cannot add a header.
 */
final class EmailNotifier implements Notifier {
  private final ResponseConfig config;
  private final Clock clock;
  private final Session session;
  private final InternetAddress from;
  private final InternetAddress[] to;
  private final String domain;

  EmailNotifier(ResponseConfig config, Clock clock) {
    this(config, clock, Map.of());
  }

  /** With extra Jakarta Mail session properties (tests use one to trust GreenMail's self-signed certificate). */
  EmailNotifier(ResponseConfig config, Clock clock, Map<String, Object> extraProperties) {
    this.config = config;
    this.clock = clock;
    this.session = Session.getInstance(properties(config, extraProperties));
    try {
      this.from = new InternetAddress(config.smtpFrom(), true);
      List<InternetAddress> list = new ArrayList<>();
      for (String a : config.smtpTo()) {
        list.add(new InternetAddress(a, true));
      }
      this.to = list.toArray(new InternetAddress[0]);
    } catch (AddressException e) {
      throw new IllegalArgumentException("PHOSOR_SMTP_FROM/PHOSOR_SMTP_TO: not an email address: " + e.getRef(), e);
    }
    int at = config.smtpFrom().lastIndexOf('@');
    this.domain = at >= 0 ? config.smtpFrom().substring(at + 1) : "phosor.invalid";
  }

  static Properties properties(ResponseConfig c, Map<String, Object> extra) {
    Properties p = new Properties();
    String ms = Long.toString(c.actionTimeout().toMillis());
    p.put("mail.smtp.host", c.smtpHost());
    p.put("mail.smtp.port", Integer.toString(c.smtpPort()));
    p.put("mail.smtp.connectiontimeout", ms);
    p.put("mail.smtp.timeout", ms);
    p.put("mail.smtp.writetimeout", ms);
    p.put("mail.smtp.from", c.smtpFrom()); // the envelope sender (MAIL FROM)
    switch (c.smtpSecurity()) {
      case "starttls" -> {
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true"); // fail rather than send in plain text
      }
      case "tls" -> p.put("mail.smtp.ssl.enable", "true");
      case "none" -> { }
      default -> throw new IllegalArgumentException("PHOSOR_SMTP_SECURITY must be starttls, tls or none");
    }
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
    p.put("mail.smtp.auth", Boolean.toString(c.smtpUsername() != null));
    p.putAll(extra);
    return p;
  }

  @Override
  public String channel() {
    return "email";
  }

  @Override
  public String send(Notice n) throws ActionFailure {
    MimeMessage message;
    try {
      message = message(n);
    } catch (MessagingException e) {
      throw new ActionFailure("email: cannot build the message: " + clean(e.getMessage()), false);
    }
    try (Transport t = session.getTransport("smtp")) {
      t.connect(config.smtpHost(), config.smtpPort(), config.smtpUsername(), config.smtpPassword());
      t.sendMessage(message, message.getAllRecipients());
      String reply = t instanceof SMTPTransport s ? s.getLastServerResponse() : "sent";
      return "email to " + to.length + (to.length == 1 ? " recipient: " : " recipients: ") + clean(reply);
    } catch (MessagingException e) {
      throw classify(e);
    }
  }

  /** The message for a notice (package-private for tests). */
  MimeMessage message(Notice n) throws MessagingException {
    String id = messageId(n.dedupKey(), n.resolve() ? "resolved" : Text.severity(n.severity()).toLowerCase(Locale.ROOT));
    MimeMessage m = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", id); // stable, so a retried delivery is recognisably the same message
      }
    };
    m.setFrom(from);
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSubject(subject(n), "UTF-8");
    m.setSentDate(Date.from(clock.instant()));
    m.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to this
    if (n.resolve()) {
      String trigger = messageId(n.dedupKey(), Text.severity(n.severity()).toLowerCase(Locale.ROOT));
      m.setHeader("In-Reply-To", trigger);
      m.setHeader("References", trigger);
    }
    if (n.incidentId() != null) {
      m.setHeader("X-Phosor-Incident", Long.toString(n.incidentId()));
    }
    m.setText(body(n), "UTF-8");
    m.saveChanges();
    return m;
  }

  /** {@code [Phosor][HIGH] title} on one line (the title's own "[HIGH] " prefix is not repeated). */
  static String subject(Notice n) {
    String sev = Text.severity(n.severity());
    String title = Text.oneLine(n.title(), 300);
    String prefix = "[" + sev + "]";
    if (title.regionMatches(true, 0, prefix, 0, prefix.length())) {
      title = title.substring(prefix.length()).strip();
    }
    return Text.cut("[Phosor][" + sev + "] " + (n.resolve() ? "Resolved: " : "") + title, 250);
  }

  /**
   * {@code <key.suffix@domain>}, with the key reduced to the characters a Message-ID's left part may hold (RFC
   * 5322). The suffix is the severity of a trigger (an escalation is a new message) or "resolved".
   */
  String messageId(String dedupKey, String suffix) {
    StringBuilder b = new StringBuilder();
    String key = dedupKey == null || dedupKey.isEmpty() ? "phosor" : dedupKey;
    for (int i = 0; i < key.length() && b.length() < 200; i++) {
      char c = key.charAt(i);
      b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.+=".indexOf(c) >= 0
          ? c : '_');
    }
    b.append('.').append(suffix);
    return "<" + b + "@" + domain.toLowerCase(Locale.ROOT) + ">";
  }

  static String body(Notice n) {
    StringBuilder b = new StringBuilder(512);
    b.append(n.resolve() ? "Resolved: " : "").append(Text.oneLine(n.title(), 1000)).append("\n\n");
    line(b, "Severity", Text.severity(n.severity()));
    line(b, "Entity", Text.entity(n.entityType(), n.entityValue()));
    line(b, "Rule", n.ruleId());
    line(b, "Tags", n.tags().isEmpty() ? null : String.join(", ", n.tags()));
    line(b, "Incident", n.incidentId() == null ? null : "#" + n.incidentId());
    line(b, "Alert", n.alertId() == null ? null : "#" + n.alertId());
    line(b, "Time", n.at() == null ? null : n.at().toString());
    if (n.summary() != null && !n.summary().isBlank()) {
      b.append('\n').append(Text.cut(n.summary().strip(), 20_000)).append('\n');
    }
    if (n.link() != null) {
      b.append("\nOpen in Phosor: ").append(n.link()).append('\n');
    }
    b.append("\n-- \nSent by Phosor's response engine.\n");
    return b.toString();
  }

  private static void line(StringBuilder b, String name, String value) {
    if (value != null) {
      b.append(String.format(Locale.ROOT, "%-9s %s%n", name + ":", Text.oneLine(value, 2000)).replace("\r", ""));
    }
  }

  private ActionFailure classify(MessagingException e) {
    if (e instanceof AuthenticationFailedException) {
      return new ActionFailure("email: the SMTP server refused the user name or password (" + clean(e.getMessage())
          + ")", false);
    }
    if (e instanceof SendFailedException sf) {
      int code = replyCode(sf);
      boolean retryable = code == 0 || (code >= 400 && code < 500); // 4xx is a transient SMTP reply (RFC 5321 4.2.1)
      Address[] invalid = sf.getInvalidAddresses();
      String who = invalid != null && invalid.length > 0 ? " (" + invalid.length + " address(es) refused)" : "";
      return new ActionFailure("email: not sent" + who + ": " + clean(e.getMessage()) + firstReply(sf), retryable);
    }
    String m = String.valueOf(e.getMessage());
    if (hasCause(e, CertificateException.class)) {
      return new ActionFailure("email: the SMTP server's TLS certificate is not trusted", false);
    }
    if (m.contains("STARTTLS is required")) {
      return new ActionFailure("email: the SMTP server does not offer STARTTLS, which PHOSOR_SMTP_SECURITY=starttls "
          + "requires (nothing was sent in plain text)", false);
    }
    if (hasCause(e, SocketTimeoutException.class)) {
      return new ActionFailure("email: the SMTP server did not answer within " + Text.seconds(config.actionTimeout())
          + " (timed out)", true);
    }
    if (hasCause(e, ConnectException.class)) {
      return new ActionFailure("email: connection to the SMTP server refused", true);
    }
    if (hasCause(e, UnknownHostException.class)) {
      return new ActionFailure("email: SMTP host name not found (DNS)", true);
    }
    if (hasCause(e, IOException.class)) {
      return new ActionFailure("email: I/O error talking to the SMTP server: " + clean(m), true);
    }
    // an SMTP reply outside a send (e.g. 421 at the greeting) is in the message; 4xx is transient
    boolean transientReply = m.matches("(?s)^\\s*4\\d\\d.*") || m.contains(" 421 ");
    return new ActionFailure("email: " + clean(m), transientReply);
  }

  /** The server's first refusal in the chain ("; 550 5.1.1 no such user"), or "". */
  private String firstReply(MessagingException e) {
    for (Exception x = e.getNextException(); x != null;
        x = x instanceof MessagingException me ? me.getNextException() : null) {
      if (x instanceof SMTPAddressFailedException || x instanceof SMTPSendFailedException) {
        return "; " + clean(x.getMessage());
      }
    }
    return "";
  }

  private static int replyCode(MessagingException e) {
    int code = 0;
    for (Exception x = e; x != null; x = x instanceof MessagingException me ? me.getNextException() : null) {
      int c = x instanceof SMTPSendFailedException s ? s.getReturnCode()
          : x instanceof SMTPAddressFailedException a ? a.getReturnCode() : 0;
      if (c >= 500) {
        return c; // a permanent refusal anywhere decides
      }
      if (c != 0) {
        code = c;
      }
    }
    return code;
  }

  private static boolean hasCause(Throwable t, Class<?> type) {
    for (Throwable c = t; c != null; c = c.getCause() != null ? c.getCause()
        : c instanceof MessagingException m ? m.getNextException() : null) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private String clean(String s) {
    List<String> secrets = new ArrayList<>();
    if (config.smtpPassword() != null) {
      secrets.add(config.smtpPassword());
    }
    return Text.scrub(Text.oneLine(s, 300), secrets);
  }
}
