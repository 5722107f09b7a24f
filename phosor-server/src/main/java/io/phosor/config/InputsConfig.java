package io.phosor.config;

/**
 * The settings of the inputs beyond syslog, file tailing and the webhook/HEC routes: GELF 1.1 over UDP and TCP
 * (docs/gelf.md) and OpenTelemetry logs over OTLP/HTTP (docs/otlp.md). Every value has been checked by
 * {@link ConfigLoader}.
 *
 * @param gelfHost address the GELF listeners bind to
 * @param gelfPort GELF UDP and TCP port (0 = any free port, for tests); -1 = GELF off
 * @param gelfMaxMessageBytes largest GELF message after decompression and reassembly, and largest TCP frame
 * @param otlpMaxDecompressedBytes largest OTLP/HTTP body after gzip decompression
 */
public record InputsConfig(String gelfHost, int gelfPort, int gelfMaxMessageBytes, long otlpMaxDecompressedBytes) {
  /** True when the GELF listeners are to be started. */
  public boolean gelfEnabled() {
    return gelfPort >= 0;
  }
}
