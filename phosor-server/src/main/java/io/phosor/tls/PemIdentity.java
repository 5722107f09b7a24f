package io.phosor.tls;

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
 * A TLS identity from PEM files: a certificate chain and an unencrypted PKCS#8 private key, checked at
 * start-up (readable, the right formats, the key belongs to the certificate) with the file's name, the
 * setting and a fix in every message, rather than a failed handshake later. Syslog over TLS and HTTPS use it.
 */
public final class PemIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(PemIdentity.class);
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in %s -out key-pkcs8.pem";

  private final String label;
  private final String certSetting;
  private final String keySetting;
  private X509Certificate[] chain;
  private PrivateKey key;

  private PemIdentity(String label, String certSetting, String keySetting) {
    this.label = label;
    this.certSetting = certSetting;
    this.keySetting = keySetting;
  }

  /**
   * Reads and checks the pair; {@code label} (e.g. "syslog TLS") and the setting names appear in messages.
   *
   * @throws ConfigException naming the bad file, the setting and the fix
   */
  public static PemIdentity load(Path certFile, Path keyFile, String label, String certSetting, String keySetting) {
    PemIdentity id = new PemIdentity(label, certSetting, keySetting);
    id.chain = id.readChain(certFile);
    id.key = id.readKey(keyFile);
    id.checkPair(id.chain[0].getPublicKey(), id.key, certFile, keyFile);
    try {
      id.chain[0].checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      LOG.warn("{} certificate {} is not valid now ({}); clients that check it will refuse to connect", label,
          certFile, e.getMessage());
    }
    return id;
  }

  /** The certificate chain, leaf first. */
  public X509Certificate[] chain() {
    return chain.clone();
  }

  /** The private key. */
  public PrivateKey key() {
    return key;
  }

  /** An in-memory PKCS#12 key store holding the pair under alias {@code phosor}, protected by {@code password}. */
  public java.security.KeyStore keyStore(char[] password) {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("phosor", key, password, chain);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(label + ": cannot build a key store from the certificate and key: " + e.getMessage());
    }
  }

  private X509Certificate[] readChain(Path certFile) {
    String pem = read(certFile, "certificate", certSetting);
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigException(label + " certificate " + certFile
          + " is not a PEM certificate (expected -----BEGIN CERTIFICATE-----) (" + certSetting + ")");
    }
    try {
      Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certs.isEmpty()) {
        throw new CertificateException("no certificate found");
      }
      return certs.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    } catch (CertificateException e) {
      throw new ConfigException(label + " certificate " + certFile + " cannot be read: " + e.getMessage()
          + " (" + certSetting + ")");
    }
  }

  private PrivateKey readKey(Path keyFile) {
    String pem = read(keyFile, "key", keySetting);
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      String kind = pem.contains("RSA PRIVATE") ? "PKCS#1 RSA" : "SEC1 EC";
      throw new ConfigException(label + " key " + keyFile + " is a " + kind + " key; Phosor needs PKCS#8 ("
          + "-----BEGIN PRIVATE KEY-----): " + String.format(CONVERT, keyFile) + " (" + keySetting + ")");
    }
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new ConfigException(label + " key " + keyFile + " is encrypted; Phosor needs an unencrypted PKCS#8 "
          + "key (protect it with file permissions): " + String.format(CONVERT, keyFile) + " (" + keySetting + ")");
    }
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      throw new ConfigException(label + " key " + keyFile
          + " is not a PEM PKCS#8 private key (expected -----BEGIN PRIVATE KEY-----) (" + keySetting + ")");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(label + " key " + keyFile + " has invalid base64: " + e.getMessage()
          + " (" + keySetting + ")");
    }
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new ConfigException(label + " key " + keyFile
        + " is not an RSA, EC or EdDSA PKCS#8 private key, or is damaged (" + keySetting + ")");
  }

  /** Fails when the key does not belong to the certificate: a signature made with one must verify with the other. */
  private void checkPair(PublicKey certKey, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "phosor tls key check".getBytes(StandardCharsets.US_ASCII);
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
      throw new ConfigException(label + " key " + keyFile + " does not belong to the certificate " + certFile
          + " (" + keySetting + ", " + certSetting + ")");
    }
  }

  private String read(Path file, String what, String env) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new ConfigException(label + " " + what + " " + file + " cannot be read: " + e + " (" + env + ")");
    }
  }
}
