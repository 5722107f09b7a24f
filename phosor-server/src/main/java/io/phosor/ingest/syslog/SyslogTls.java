package io.phosor.ingest.syslog;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.phosor.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server TLS context for syslog over TLS (RFC 5425): a PEM certificate chain and an unencrypted
 * PKCS#8 PEM private key, TLS 1.2 and 1.3 only (RFC 5425 section 4.2 requires at least TLS 1.2 by way of
 * RFC 9662). Every problem with the files is reported at start-up with the file's name and a fix,
 * rather than as a failed handshake later.
 */
final class SyslogTls {
  private static final Logger LOG = LoggerFactory.getLogger(SyslogTls.class);
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in %s -out key-pkcs8.pem";

  private SyslogTls() {}

  /** Builds the server context, or throws a {@link ConfigException} naming the bad file and the fix. */
  static SslContext serverContext(Path certFile, Path keyFile) {
    X509Certificate[] chain = readChain(certFile);
    PrivateKey key = readKey(keyFile);
    checkPair(chain[0].getPublicKey(), key, certFile, keyFile);
    try {
      chain[0].checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      LOG.warn("syslog TLS certificate {} is not valid now ({}); senders that check it will refuse to connect",
          certFile, e.getMessage());
    }
    try {
      return SslContextBuilder.forServer(key, chain).sslProvider(SslProvider.JDK)
          .protocols("TLSv1.3", "TLSv1.2").clientAuth(ClientAuth.NONE).build();
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("syslog TLS: cannot use certificate " + certFile + " with key " + keyFile + ": "
          + e.getMessage() + " (PHOSOR_SYSLOG_TLS_CERT, PHOSOR_SYSLOG_TLS_KEY)");
    }
  }

  private static X509Certificate[] readChain(Path certFile) {
    String pem = read(certFile, "certificate", "PHOSOR_SYSLOG_TLS_CERT");
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigException("syslog TLS certificate " + certFile
          + " is not a PEM certificate (expected -----BEGIN CERTIFICATE-----) (PHOSOR_SYSLOG_TLS_CERT)");
    }
    try {
      Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certs.isEmpty()) {
        throw new CertificateException("no certificate found");
      }
      return certs.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    } catch (CertificateException e) {
      throw new ConfigException("syslog TLS certificate " + certFile + " cannot be read: " + e.getMessage()
          + " (PHOSOR_SYSLOG_TLS_CERT)");
    }
  }

  private static PrivateKey readKey(Path keyFile) {
    String pem = read(keyFile, "key", "PHOSOR_SYSLOG_TLS_KEY");
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      String kind = pem.contains("RSA PRIVATE") ? "PKCS#1 RSA" : "SEC1 EC";
      throw new ConfigException("syslog TLS key " + keyFile + " is a " + kind + " key; Phosor needs PKCS#8 ("
          + "-----BEGIN PRIVATE KEY-----): " + String.format(CONVERT, keyFile) + " (PHOSOR_SYSLOG_TLS_KEY)");
    }
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new ConfigException("syslog TLS key " + keyFile + " is encrypted; Phosor needs an unencrypted PKCS#8 "
          + "key (protect it with file permissions): " + String.format(CONVERT, keyFile) + " (PHOSOR_SYSLOG_TLS_KEY)");
    }
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      throw new ConfigException("syslog TLS key " + keyFile
          + " is not a PEM PKCS#8 private key (expected -----BEGIN PRIVATE KEY-----) (PHOSOR_SYSLOG_TLS_KEY)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("syslog TLS key " + keyFile + " has invalid base64: " + e.getMessage()
          + " (PHOSOR_SYSLOG_TLS_KEY)");
    }
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new ConfigException("syslog TLS key " + keyFile
        + " is not an RSA, EC or EdDSA PKCS#8 private key, or is damaged (PHOSOR_SYSLOG_TLS_KEY)");
  }

  /** Fails when the key does not belong to the certificate: a signature made with one must verify with the other. */
  private static void checkPair(PublicKey certKey, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "phosor syslog tls key check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certKey);
      verifier.update(probe);
      matches = verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new ConfigException("syslog TLS key " + keyFile + " does not belong to the certificate " + certFile
          + " (PHOSOR_SYSLOG_TLS_KEY, PHOSOR_SYSLOG_TLS_CERT)");
    }
  }

  private static String read(Path file, String what, String env) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new ConfigException("syslog TLS " + what + " " + file + " cannot be read: " + e + " (" + env + ")");
    }
  }
}
