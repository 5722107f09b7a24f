package io.phosor.search;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.apache.lucene.search.FieldDoc;

/**
 * The opaque page cursor: the sort values (event time, seq) of the last event of a page, base64url-encoded
 * behind a version byte. Paging continues strictly after it, so pages never overlap or skip events.
 */
final class Cursor {
  private static final byte VERSION = 1;

  private Cursor() {}

  static String encode(long timestamp, long seq) {
    ByteBuffer b = ByteBuffer.allocate(17).put(VERSION).putLong(timestamp).putLong(seq);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /** The search-after position of {@code cursor}, or null for a null cursor. */
  static FieldDoc decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      raw = null;
    }
    if (raw == null || raw.length != 17 || raw[0] != VERSION) {
      throw new IllegalArgumentException("cursor '" + (cursor.length() > 64 ? cursor.substring(0, 64) + "..." : cursor)
          + "' was not issued by this index; start again from the first page (no cursor)");
    }
    ByteBuffer b = ByteBuffer.wrap(raw, 1, 16);
    long ts = b.getLong();
    long seq = b.getLong();
    // doc id: ties on (timestamp, seq) cannot happen, seq is unique
    return new FieldDoc(Integer.MAX_VALUE, Float.NaN, new Object[] {ts, seq});
  }
}
