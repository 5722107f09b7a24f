package io.phosor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.phosor.config.ResponseConfig;
import io.phosor.respond.ActionFailure;
import io.phosor.testkit.ManualClock;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmailNotifierTest {
  static final String PASSWORD = "Sm7p-pa55-w0rd-xyz";

  @RegisterExtension
  static final GreenMailExtension GREENMAIL = new GreenMailExtension(
      ServerSetup.dynamicPort(new ServerSetup[] {ServerSetupTest.SMTP, ServerSetupTest.SMTPS}))
      .withConfiguration(GreenMailConfiguration.aConfig().withUser("phosor@example.com", "phosor", PASSWORD));

  final ManualClock clock = new ManualClock(Instant.parse("2026-03-04T05:06:07Z"));

  static ResponseConfig smtp(int port, String security, String... more) {
    String[] base = {"PHOSOR_SMTP_HOST", "127.0.0.1", "PHOSOR_SMTP_PORT", Integer.toString(port),
        "PHOSOR_SMTP_SECURITY", security, "PHOSOR_SMTP_FROM", "phosor@example.com",
        "PHOSOR_SMTP_TO", "soc@example.com,oncall@example.com"};
    String[] all = Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return Notices.config(all);
  }

  static int smtpPort() {
    return GREENMAIL.getSmtp().getPort();
  }

  @Test
  void sendsOnePlainTextMessageToEveryRecipientWithSubjectBodyAndMessageId() throws Exception {
    String outcome = new EmailNotifier(smtp(smtpPort(), "none"), clock).send(Notices.incident());
    assertThat(outcome).startsWith("email to 2 recipients: 250");
    MimeMessage[] got = GREENMAIL.getReceivedMessages();
    assertThat(got).hasSize(2); // one copy per recipient mailbox
    MimeMessage m = got[0];
    assertThat(Arrays.stream(m.getAllRecipients()).map(Address::toString))
        .containsExactly("soc@example.com", "oncall@example.com");
    assertThat(m.getFrom()[0].toString()).isEqualTo("phosor@example.com");
    assertThat(m.getSubject()).isEqualTo("[Phosor][HIGH] SSH brute force from 203.0.113.7");
    assertThat(m.getMessageID()).isEqualTo("<phosor-incident-42.high@example.com>");
    assertThat(m.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    assertThat(m.getHeader("X-Phosor-Incident")).containsExactly("42");
    assertThat(m.getSentDate().toInstant()).isEqualTo(clock.instant());
    assertThat(m.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
    String body = ((String) m.getContent()).replace("\r\n", "\n");
    assertThat(body).startsWith("[HIGH] SSH brute force from 203.0.113.7\n\n")
        .contains("Severity: HIGH\n", "Entity:   ip 203.0.113.7\n", "Rule:     ssh-brute-force\n",
            "Tags:     attack.t1110, attack.credential_access\n", "Incident: #42\n",
            "12 failed logins for root in 60 s\nfrom 203.0.113.7\n",
            "Open in Phosor: https://phosor.example.com/#/incidents/42\n");
  }

  @Test
  void aResolveRefersToItsTriggerSoMailClientsThreadThem() throws Exception {
    new EmailNotifier(smtp(smtpPort(), "none"), clock).send(Notices.resolved());
    MimeMessage m = GREENMAIL.getReceivedMessages()[0];
    assertThat(m.getSubject()).isEqualTo("[Phosor][HIGH] Resolved: SSH brute force from 203.0.113.7");
    assertThat(m.getMessageID()).isEqualTo("<phosor-incident-42.resolved@example.com>");
    assertThat(m.getHeader("In-Reply-To")).containsExactly("<phosor-incident-42.high@example.com>");
  }

  @Test
  void lineBreaksInUserTextCannotAddHeadersOrRecipients() throws Exception {
    new EmailNotifier(smtp(smtpPort(), "none"), clock).send(Notices.hostile());
    MimeMessage[] got = GREENMAIL.getReceivedMessages();
    assertThat(got).hasSize(2);
    MimeMessage m = got[0];
    assertThat(m.getSubject()).doesNotContain("\r").doesNotContain("\n").startsWith("[Phosor][CRITICAL] <!channel>");
    assertThat(m.getHeader("X-Injected")).isNull();
    assertThat(m.getHeader("Bcc")).isNull();
    assertThat(Arrays.stream(m.getAllRecipients()).map(Address::toString))
        .containsExactly("soc@example.com", "oncall@example.com");
    assertThat(m.getMessageID()).isEqualTo("<phosor-incident-43.critical@example.com>");
  }

  @Test
  void authenticatesWhenAUserIsSetAndAWrongPasswordIsNotRetriedNorShown() throws Exception {
    String ok = new EmailNotifier(smtp(smtpPort(), "none", "PHOSOR_SMTP_USERNAME", "phosor", "PHOSOR_SMTP_PASSWORD",
        PASSWORD), clock).send(Notices.incident());
    assertThat(ok).startsWith("email to 2 recipients: 250");
    assertThat(GREENMAIL.getReceivedMessages()).hasSize(2);

    EmailNotifier wrong = new EmailNotifier(smtp(smtpPort(), "none", "PHOSOR_SMTP_USERNAME", "phosor",
        "PHOSOR_SMTP_PASSWORD", "not-the-password-123"), clock);
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> wrong.send(Notices.incident()));
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("refused the user name or password").doesNotContain("not-the-password-123")
        .doesNotContain(PASSWORD);
    assertThat(GREENMAIL.getReceivedMessages()).hasSize(2);
  }

  @Test
  void starttlsIsRequiredSoAServerWithoutItGetsNothingInPlainText() {
    // GreenMail's SMTP server does not offer STARTTLS: the notifier must stop, not fall back to plain text
    EmailNotifier n = new EmailNotifier(smtp(smtpPort(), "starttls"), clock);
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> n.send(Notices.incident()));
    assertThat(f.retryable()).isFalse();
    assertThat(f.getMessage()).contains("does not offer STARTTLS");
    assertThat(GREENMAIL.getReceivedMessages()).isEmpty();
  }

  @Test
  void implicitTlsDeliversToGreenMailsSmtpsServer() throws Exception {
    // the test trusts GreenMail's self-signed certificate; production checks the certificate and the host name
    EmailNotifier n = new EmailNotifier(smtp(GREENMAIL.getSmtps().getPort(), "tls"), clock,
        Map.of("mail.smtp.ssl.socketFactory", trustAll().getSocketFactory(),
            "mail.smtp.ssl.checkserveridentity", "false"));
    assertThat(n.send(Notices.incident())).startsWith("email to 2 recipients: 250");
    assertThat(GREENMAIL.getReceivedMessages()).hasSize(2);
  }

  @Test
  void anUntrustedCertificateIsAFailureThatRetryingCannotFix() throws Exception {
    // a scripted implicit-TLS server with GreenMail's self-signed certificate, which the JVM does not trust
    try (FakeSmtp untrusted = new FakeSmtp("250 OK", greenMailCertificate(), true)) {
      EmailNotifier n = new EmailNotifier(smtp(untrusted.port(), "tls"), clock);
      ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> n.send(Notices.incident()));
      assertThat(f.retryable()).isFalse();
      assertThat(f.getMessage()).contains("certificate is not trusted");
      assertThat(untrusted.commands()).isEmpty();
    }
  }

  @Test
  void aRefusedConnectionIsRetryable() {
    EmailNotifier n = new EmailNotifier(smtp(RecordingServer.closedPort(), "none"), clock);
    ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> n.send(Notices.incident()));
    assertThat(f.retryable()).isTrue();
    assertThat(f.getMessage()).contains("refused");
  }

  @Test
  void aServerThatNeverGreetsIsCutOffAtTheTimeoutAndIsRetryable() throws Exception {
    try (FakeSmtp silent = new FakeSmtp(null)) {
      EmailNotifier n = new EmailNotifier(Notices.config("PHOSOR_SMTP_HOST", "127.0.0.1", "PHOSOR_SMTP_PORT",
          Integer.toString(silent.port()), "PHOSOR_SMTP_SECURITY", "none", "PHOSOR_SMTP_TO", "soc@example.com",
          "PHOSOR_RESPONSE_TIMEOUT_SECONDS", "1"), clock);
      long start = System.nanoTime();
      ActionFailure f = catchThrowableOfType(ActionFailure.class, () -> n.send(Notices.incident()));
      assertThat(RecordingServer.elapsedSince(start)).isLessThan(Duration.ofSeconds(4));
      assertThat(f.retryable()).isTrue();
      assertThat(f.getMessage()).contains("timed out");
    }
  }

  @Test
  void aTransientRecipientRefusalIsRetryableAndAPermanentOneIsNot() throws Exception {
    try (FakeSmtp busy = new FakeSmtp("450 4.2.1 mailbox busy")) {
      ActionFailure f = catchThrowableOfType(ActionFailure.class,
          () -> new EmailNotifier(smtp(busy.port(), "none"), clock).send(Notices.incident()));
      assertThat(f.retryable()).isTrue();
      assertThat(f.getMessage()).contains("450");
    }
    try (FakeSmtp unknown = new FakeSmtp("550 5.1.1 no such user")) {
      ActionFailure f = catchThrowableOfType(ActionFailure.class,
          () -> new EmailNotifier(smtp(unknown.port(), "none"), clock).send(Notices.incident()));
      assertThat(f.retryable()).isFalse();
      assertThat(f.getMessage()).contains("550");
    }
  }

  @Test
  void starttlsUpgradesTheSessionBeforeAnythingIsSent() throws Exception {
    // GreenMail has no STARTTLS, so a scripted server with GreenMail's test certificate offers it
    try (FakeSmtp relay = new FakeSmtp("250 2.1.5 OK", greenMailCertificate())) {
      EmailNotifier n = new EmailNotifier(smtp(relay.port(), "starttls"), clock,
          Map.of("mail.smtp.ssl.socketFactory", trustAll().getSocketFactory(),
              "mail.smtp.ssl.checkserveridentity", "false"));
      assertThat(n.send(Notices.incident())).isEqualTo("email to 2 recipients: 250 2.0.0 queued as FAKE1");
      List<FakeSmtp.Command> cmds = relay.commands();
      assertThat(cmds.get(0).line()).startsWith("EHLO");
      assertThat(cmds.get(1).line()).isEqualTo("STARTTLS");
      // everything after STARTTLS, from the second EHLO to the message, went over TLS
      assertThat(cmds.subList(2, cmds.size())).allMatch(FakeSmtp.Command::tls);
      assertThat(cmds).extracting(FakeSmtp.Command::line)
          .contains("MAIL FROM:<phosor@example.com>", "RCPT TO:<soc@example.com>", "RCPT TO:<oncall@example.com>",
              "> Subject: [Phosor][HIGH] SSH brute force from 203.0.113.7");
    }
  }

  /** A server-side TLS context with GreenMail's self-signed test certificate. */
  private static SSLContext greenMailCertificate() throws Exception {
    KeyStore ks = new com.icegreen.greenmail.util.DummySSLServerSocketFactory().getKeyStore();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static SSLContext trustAll() throws Exception {
    TrustManager[] all = {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }};
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, all, new SecureRandom());
    return ctx;
  }

  /**
   * A scripted SMTP server for what GreenMail cannot do: never greet ({@code rcptReply} null), answer RCPT TO
   * with a given reply, or offer STARTTLS (when {@code tls} is set). Records each command and whether it came
   * over TLS.
   */
  static final class FakeSmtp implements AutoCloseable {
    record Command(String line, boolean tls) {}

    private final ServerSocket server;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final String rcptReply;
    private final SSLContext tls;

    FakeSmtp(String rcptReply) throws Exception {
      this(rcptReply, null);
    }

    FakeSmtp(String rcptReply, SSLContext tls) throws Exception {
      this(rcptReply, tls, false);
    }

    /** With {@code implicitTls}, TLS from the first byte (like port 465) instead of STARTTLS. */
    FakeSmtp(String rcptReply, SSLContext tls, boolean implicitTls) throws Exception {
      this.rcptReply = rcptReply;
      this.tls = implicitTls ? null : tls;
      server = implicitTls ? tls.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())
          : new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
      thread = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            Socket s = server.accept();
            clients.add(s);
            if (rcptReply != null) {
              Thread.ofVirtual().start(() -> converse(s));
            }
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
    }

    int port() {
      return server.getLocalPort();
    }

    List<Command> commands() {
      return List.copyOf(commands);
    }

    private void converse(Socket plain) {
      Socket s = plain;
      boolean secure = false;
      try {
        BufferedReader in = reader(s);
        OutputStream out = s.getOutputStream();
        write(out, "220 fake ESMTP");
        for (String line; (line = in.readLine()) != null; ) {
          commands.add(new Command(line, secure));
          String cmd = line.toUpperCase(java.util.Locale.ROOT);
          if (cmd.startsWith("EHLO")) {
            write(out, tls != null && !secure ? "250-fake\r\n250 STARTTLS" : "250 fake");
          } else if (cmd.startsWith("STARTTLS")) {
            write(out, "220 2.0.0 ready to start TLS");
            SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), true);
            t.setUseClientMode(false);
            t.startHandshake();
            s = t;
            clients.add(t);
            secure = true;
            in = reader(s);
            out = s.getOutputStream();
          } else if (cmd.startsWith("RCPT")) {
            write(out, rcptReply);
          } else if (cmd.equals("DATA")) {
            write(out, "354 go ahead");
            for (String data; (data = in.readLine()) != null && !data.equals("."); ) {
              commands.add(new Command("> " + data, secure));
            }
            write(out, "250 2.0.0 queued as FAKE1");
          } else if (cmd.startsWith("QUIT")) {
            write(out, "221 bye");
            return;
          } else {
            write(out, "250 OK");
          }
        }
      } catch (Exception e) {
        // the client went away
      } finally {
        try {
          s.close();
        } catch (Exception ignored) {
          // closing anyway
        }
      }
    }

    private static BufferedReader reader(Socket s) throws java.io.IOException {
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void write(OutputStream out, String reply) throws java.io.IOException {
      out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
      for (Socket s : clients) {
        s.close();
      }
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
