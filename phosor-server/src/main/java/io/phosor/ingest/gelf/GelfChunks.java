package io.phosor.ingest.gelf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.phosor.stats.SourceCounters;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reassembles chunked GELF datagrams (GELF specification, "Chunking"): each chunk is the magic bytes 0x1e 0x0f, an
 * 8-byte message id, a 1-byte sequence number (0-based) and a 1-byte sequence count (at most 128), then a part of
 * the (possibly compressed) message. A message whose chunks have not all arrived within {@link #EXPIRY_MILLIS} is
 * discarded and counted. Messages are told apart by sender address and id, so one sender cannot complete or
 * spoil another's message.
 *
 * <p>Bounded: a message may not grow past {@code maxMessageBytes}, at most {@link #MAX_PENDING_MESSAGES}
 * messages and {@link #MAX_PENDING_BYTES} bytes wait at once; beyond that new messages are refused and counted.
 * Not thread-safe: used on the UDP channel's event loop only (reads and the expiry task alike).
 */
final class GelfChunks {
  /** The GELF specification's limit; a message with more chunks is discarded. */
  static final int MAX_CHUNKS = 128;
  /** The GELF specification: all chunks must arrive within 5 seconds. */
  static final long EXPIRY_MILLIS = 5_000;
  /** Magic (2) + message id (8) + sequence number (1) + sequence count (1). */
  static final int HEADER_BYTES = 12;
  /** Thousands of senders each with a message in flight; more is a flood of never-completed ids. */
  static final int MAX_PENDING_MESSAGES = 4_096;
  /** Caps the memory held by incomplete messages. */
  static final long MAX_PENDING_BYTES = 64L << 20;

  /** True when a datagram starts with the chunk magic 0x1e 0x0f. */
  static boolean isChunk(ByteBuf b) {
    return b.readableBytes() >= 2 && b.getByte(b.readerIndex()) == 0x1e && b.getByte(b.readerIndex() + 1) == 0x0f;
  }

  private record Key(String address, long id) {}

  private static final class Pending {
    final long started;
    final ByteBuf[] parts;
    int received;
    int bytes;

    Pending(long started, int count) {
      this.started = started;
      this.parts = new ByteBuf[count];
    }

    void release() {
      for (ByteBuf p : parts) {
        if (p != null) {
          p.release();
        }
      }
    }
  }

  private final int maxMessageBytes;
  private final Clock clock;
  private final GelfMetrics metrics;
  private final LinkedHashMap<Key, Pending> pending = new LinkedHashMap<>();
  private long pendingBytes;

  GelfChunks(int maxMessageBytes, Clock clock, GelfMetrics metrics) {
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException("maxMessageBytes must be > 0, was " + maxMessageBytes);
    }
    this.maxMessageBytes = maxMessageBytes;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Adds one chunk (the datagram's readable bytes, from the magic on). Returns the whole message (the caller
   * releases it) when this chunk completed it, else null. Malformed and refused chunks are counted here.
   */
  ByteBuf add(String address, ByteBuf chunk, SourceCounters counters) {
    if (chunk.readableBytes() < HEADER_BYTES) {
      metrics.badChunk.increment();
      return null;
    }
    int r = chunk.readerIndex();
    long id = chunk.getLong(r + 2);
    int seq = chunk.getUnsignedByte(r + 10);
    int count = chunk.getUnsignedByte(r + 11);
    if (count == 0 || count > MAX_CHUNKS || seq >= count) {
      metrics.badChunk.increment();
      return null;
    }
    int size = chunk.readableBytes() - HEADER_BYTES;
    if (count == 1) {
      return chunk.retainedSlice(r + HEADER_BYTES, size);
    }
    // a copy of exactly the chunk's bytes: a retained slice would pin the whole 64 KiB receive buffer
    ByteBuf part = Unpooled.copiedBuffer(chunk.slice(r + HEADER_BYTES, size));
    long now = clock.millis();
    Key key = new Key(address, id);
    Pending p = pending.get(key);
    if (p != null && now - p.started >= EXPIRY_MILLIS) {
      remove(key, p);
      metrics.expired.increment();
      p = null;
    }
    if (p == null) {
      if (pending.size() >= MAX_PENDING_MESSAGES || pendingBytes + size > MAX_PENDING_BYTES) {
        expire();
        if (pending.size() >= MAX_PENDING_MESSAGES || pendingBytes + size > MAX_PENDING_BYTES) {
          part.release();
          metrics.tooManyPending.increment();
          return null;
        }
      }
      p = new Pending(now, count);
      pending.put(key, p);
      metrics.pendingMessages.incrementAndGet();
    } else if (p.parts.length != count) {
      part.release();
      metrics.badChunk.increment();
      return null;
    }
    if (p.parts[seq] != null) { // a duplicate (the network repeated it): the first copy stands
      part.release();
      return null;
    }
    if (p.bytes + size > maxMessageBytes) {
      part.release();
      remove(key, p);
      counters.oversized();
      metrics.udpOversized.increment();
      return null;
    }
    p.parts[seq] = part;
    p.received++;
    p.bytes += size;
    pendingBytes += size;
    if (p.received < count) {
      return null;
    }
    pending.remove(key);
    metrics.pendingMessages.decrementAndGet();
    pendingBytes -= p.bytes;
    CompositeByteBuf whole = Unpooled.compositeBuffer(count);
    whole.addComponents(true, p.parts);
    return whole;
  }

  /** Discards the messages that have waited {@link #EXPIRY_MILLIS} or longer; returns how many. */
  int expire() {
    long now = clock.millis();
    int n = 0;
    Iterator<Map.Entry<Key, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Pending p = it.next().getValue();
      if (now - p.started < EXPIRY_MILLIS) {
        break; // insertion order is arrival order: the rest are younger
      }
      it.remove();
      metrics.pendingMessages.decrementAndGet();
      pendingBytes -= p.bytes;
      p.release();
      n++;
    }
    if (n > 0) {
      metrics.expired.increment(n);
    }
    return n;
  }

  /** Messages waiting for chunks. */
  int pendingMessages() {
    return pending.size();
  }

  /** Releases everything held (at shutdown). */
  void clear() {
    for (Pending p : pending.values()) {
      p.release();
    }
    metrics.pendingMessages.addAndGet(-pending.size());
    pending.clear();
    pendingBytes = 0;
  }

  private void remove(Key key, Pending p) {
    pending.remove(key);
    metrics.pendingMessages.decrementAndGet();
    pendingBytes -= p.bytes;
    p.release();
  }
}
