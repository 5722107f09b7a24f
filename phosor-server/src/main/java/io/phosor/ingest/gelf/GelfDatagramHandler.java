package io.phosor.ingest.gelf;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.phosor.ingest.net.SocketIngest;
import io.phosor.pipeline.Inbound;
import io.phosor.stats.SourceCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GELF over UDP (GELF specification, "GELF via UDP"): a datagram is a whole message, uncompressed or compressed
 * with gzip or zlib, or one chunk of a larger one ({@link GelfChunks}). A message is counted and rate-limited per
 * sender before it is inflated; when the ingest queue is full it is dropped and counted (UDP cannot slow its sender
 * down). One instance per UDP channel: it runs on that channel's event loop only.
 */
final class GelfDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger LOG = LoggerFactory.getLogger(GelfDatagramHandler.class);

  private final SocketIngest ingest;
  private final GelfMetrics metrics;
  private final GelfChunks chunks;
  private final int maxMessageBytes;
  private final int receiveBufferBytes;

  GelfDatagramHandler(SocketIngest ingest, GelfMetrics metrics, int maxMessageBytes, int receiveBufferBytes) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.maxMessageBytes = maxMessageBytes;
    this.receiveBufferBytes = receiveBufferBytes;
    this.chunks = new GelfChunks(maxMessageBytes, ingest.clock(), metrics);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    String address = SocketIngest.address(packet.sender());
    SourceCounters counters = ingest.counters(address);
    ByteBuf content = packet.content();
    if (content.readableBytes() >= receiveBufferBytes) {
      // the receive buffer is one byte larger than the largest datagram read whole: this one was cut off
      counters.oversized();
      metrics.udpOversized.increment();
      return;
    }
    if (!GelfChunks.isChunk(content)) {
      accept(address, counters, content);
      return;
    }
    ByteBuf whole = chunks.add(address, content, counters);
    if (whole != null) {
      try {
        accept(address, counters, whole);
      } finally {
        whole.release();
      }
    }
  }

  private void accept(String address, SourceCounters counters, ByteBuf payload) {
    if (!payload.isReadable() || !ingest.acquire(address, counters)) {
      return;
    }
    String text;
    try {
      text = GelfPayload.text(payload, maxMessageBytes);
    } catch (GelfPayloadException e) {
      if (e.oversized()) {
        counters.oversized();
        metrics.udpOversized.increment();
      } else {
        metrics.badCompression.increment();
        LOG.debug("GELF datagram from {} skipped: {}", address, e.getMessage());
      }
      return;
    }
    if (text == null) {
      return;
    }
    Inbound in = ingest.wrap(address, counters, text);
    if (!ingest.pipeline().offer(in)) {
      counters.dropped(1);
      metrics.udpDroppedQueueFull.increment();
    }
  }

  /** Discards chunked messages that did not complete in time; run periodically on this channel's event loop. */
  void expire() {
    chunks.expire();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    chunks.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // An ICMP error or a failed read must not close the shared UDP socket.
    LOG.debug("GELF UDP read failed: {}", cause.toString());
  }
}
