package io.phosor.ingest.gelf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The text of a GELF UDP payload (GELF specification, "GELF via UDP"): gzip (starts with 1f 8b, RFC 1952), zlib
 * (starts with 78 and a valid FLG check, RFC 1950 section 2.2) or uncompressed JSON. Inflation is bounded: a small
 * datagram cannot expand past {@code maxBytes} (a decompression bomb is counted and skipped, not buffered).
 */
final class GelfPayload {
  private GelfPayload() {}

  /** The payload as UTF-8 text (invalid bytes replaced), without surrounding whitespace; null when blank. */
  static String text(ByteBuf payload, int maxBytes) throws GelfPayloadException {
    int n = payload.readableBytes();
    if (n >= 2) {
      int b0 = payload.getUnsignedByte(payload.readerIndex());
      int b1 = payload.getUnsignedByte(payload.readerIndex() + 1);
      if (b0 == 0x1f && b1 == 0x8b) {
        return inflate(payload, true, maxBytes);
      }
      if (b0 == 0x78 && ((b0 << 8) | b1) % 31 == 0) {
        return inflate(payload, false, maxBytes);
      }
    }
    if (n > maxBytes) {
      throw new GelfPayloadException("message of " + n + " bytes exceeds " + maxBytes, true);
    }
    return trimmed(payload.toString(payload.readerIndex(), n, StandardCharsets.UTF_8));
  }

  private static String inflate(ByteBuf payload, boolean gzip, int maxBytes) throws GelfPayloadException {
    Inflater inflater = gzip ? null : new Inflater();
    try (InputStream raw = new ByteBufInputStream(payload.duplicate());
        InputStream in = gzip ? new GZIPInputStream(raw, 8192) : new InflaterInputStream(raw, inflater, 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, payload.readableBytes() * 4 + 64));
      byte[] buf = new byte[8192];
      int r;
      while ((r = in.read(buf)) > 0) {
        if (out.size() + r > maxBytes) {
          throw new GelfPayloadException("message inflates beyond " + maxBytes + " bytes", true);
        }
        out.write(buf, 0, r);
      }
      return trimmed(out.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GelfPayloadException((gzip ? "gzip" : "zlib") + " data is damaged: " + e.getMessage(), false);
    } finally {
      if (inflater != null) {
        inflater.end();
      }
    }
  }

  /** Strips ASCII whitespace and NUL around the JSON (senders add a newline or a NUL terminator). */
  static String trimmed(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(s.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      return null;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0';
  }
}
