package io.phosor.ingest.syslog;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.phosor.config.ConfigException;
import io.phosor.tls.PemIdentity;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The server TLS context for syslog over TLS (RFC 5425): a PEM certificate chain and an unencrypted
 * PKCS#8 PEM private key, TLS 1.2 and 1.3 only (RFC 5425 section 4.2 requires at least TLS 1.2 by way of
 * RFC 9662). Every problem with the files is reported at start-up with the file's name and a fix,
 * rather than as a failed handshake later.
 */
final class SyslogTls {

  private SyslogTls() {}

  /** Builds the server context, or throws a {@link ConfigException} naming the bad file and the fix. */
  static SslContext serverContext(Path certFile, Path keyFile) {
    PemIdentity id = PemIdentity.load(certFile, keyFile, "syslog TLS", "PHOSOR_SYSLOG_TLS_CERT",
        "PHOSOR_SYSLOG_TLS_KEY");
    X509Certificate[] chain = id.chain();
    PrivateKey key = id.key();
    try {
      return SslContextBuilder.forServer(key, chain).sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2").clientAuth(ClientAuth.NONE).build();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("syslog TLS: cannot use certificate " + certFile + " with key " + keyFile + ": "
          + e.getMessage() + " (PHOSOR_SYSLOG_TLS_CERT, PHOSOR_SYSLOG_TLS_KEY)");
    }
  }

}
