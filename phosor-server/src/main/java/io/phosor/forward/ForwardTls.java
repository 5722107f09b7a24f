package io.phosor.forward;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.phosor.config.ConfigException;
import io.phosor.tls.PemIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a destination: the CAs it trusts (its {@code tls.ca_file}, else the JVM's default trust store) and
 * its client certificate for mutual TLS. Both are read and checked at start-up, so a bad file stops start-up with a
 * message naming it instead of failing every handshake later. Host names are always verified.
 */
final class ForwardTls {
  private ForwardTls() {}

  /** The SSL context of an https destination (the JDK's HTTP client). */
  static SSLContext sslContext(Destination d) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers(d), trustManagers(d), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("forwarder '" + d.name() + "': cannot set up TLS: " + e.getMessage());
    }
  }

  /** The Netty client context of a syslog-over-TLS destination. */
  static SslContext nettyContext(Destination d) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().protocols("TLSv1.3", "TLSv1.2");
      TrustManagerFactory tmf = trustManagerFactory(d);
      if (tmf != null) {
        b.trustManager(tmf);
      }
      KeyManagerFactory kmf = keyManagerFactory(d);
      if (kmf != null) {
        b.keyManager(kmf);
      }
      return b.build();
    } catch (SSLException e) {
      throw new ConfigException("forwarder '" + d.name() + "': cannot set up TLS: " + e.getMessage());
    }
  }

  private static javax.net.ssl.TrustManager[] trustManagers(Destination d) {
    TrustManagerFactory tmf = trustManagerFactory(d);
    return tmf == null ? null : tmf.getTrustManagers();
  }

  private static javax.net.ssl.KeyManager[] keyManagers(Destination d) {
    KeyManagerFactory kmf = keyManagerFactory(d);
    return kmf == null ? null : kmf.getKeyManagers();
  }

  /** Trusts exactly the certificates of {@code tls.ca_file}; null for the JVM's default trust store. */
  private static TrustManagerFactory trustManagerFactory(Destination d) {
    if (d.tls().caFile() == null) {
      return null;
    }
    try (InputStream in = Files.newInputStream(d.tls().caFile())) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new ConfigException("forwarder '" + d.name() + "': tls.ca_file " + d.tls().caFile()
            + " holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("forwarder '" + d.name() + "': tls.ca_file " + d.tls().caFile()
          + " cannot be read as PEM certificates: " + e.getMessage());
    }
  }

  private static KeyManagerFactory keyManagerFactory(Destination d) {
    if (d.tls().certFile() == null) {
      return null;
    }
    PemIdentity id = PemIdentity.load(d.tls().certFile(), d.tls().keyFile(), "forwarder '" + d.name() + "'",
        "tls.cert_file", "tls.key_file");
    char[] pass = new char[0];
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(id.keyStore(pass), pass);
      return kmf;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("forwarder '" + d.name() + "': cannot use the client certificate: " + e.getMessage());
    }
  }
}
