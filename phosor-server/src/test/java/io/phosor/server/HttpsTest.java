package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.phosor.config.ConfigException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a certificate and key configured the API speaks HTTPS only; a bad pair stops start-up with one line. */
class HttpsTest {
  @TempDir
  Path data;

  @Test
  void withACertificateTheApiIsServedOverHttpsOnly() throws Exception {
    SelfSignedCertificate ssc = new SelfSignedCertificate("localhost");
    Path cert = data.resolve("cert.pem");
    Path key = data.resolve("key.pem");
    Files.copy(ssc.certificate().toPath(), cert);
    Files.copy(ssc.privateKey().toPath(), key);
    try (TestServer t = TestServer.start(data.resolve("d"), Map.of("PHOSOR_HTTP_TLS_CERT", cert.toString(),
        "PHOSOR_HTTP_TLS_KEY", key.toString()))) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("phosor", ssc.cert());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
      int port = t.server().httpPort();
      HttpResponse<String> ok = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/stats"))
          .header("Authorization", t.admin()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("total_events");
      // plain HTTP on the same port gets no API answer
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isNotNull();
    }
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateStopsStartUp() throws Exception {
    SelfSignedCertificate a = new SelfSignedCertificate("localhost");
    SelfSignedCertificate b = new SelfSignedCertificate("localhost");
    assertThatThrownBy(() -> TestServer.start(data.resolve("d"), Map.of("PHOSOR_HTTP_TLS_CERT",
        a.certificate().getPath(), "PHOSOR_HTTP_TLS_KEY", b.privateKey().getPath())).close())
        .isInstanceOf(ConfigException.class).hasMessageContaining("does not belong to the certificate")
        .hasMessageContaining("PHOSOR_HTTP_TLS_KEY");
  }
}
