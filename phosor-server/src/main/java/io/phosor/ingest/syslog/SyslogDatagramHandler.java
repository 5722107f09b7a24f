package io.phosor.ingest.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.phosor.ingest.net.SocketIngest;
import io.phosor.pipeline.Inbound;
import io.phosor.stats.SourceCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syslog over UDP (RFC 5426 section 3.1): one datagram carries one message. A datagram larger than the
 * maximum frame size is counted and skipped; when the ingest queue is full the message is dropped and
 * counted, because UDP has no way to slow the sender down (SPEC section 4: only UDP may drop).
 */
@Sharable
final class SyslogDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger LOG = LoggerFactory.getLogger(SyslogDatagramHandler.class);

  private final SocketIngest ingest;
  private final SyslogMetrics metrics;
  private final int maxFrameBytes;

  SyslogDatagramHandler(SocketIngest ingest, SyslogMetrics metrics, int maxFrameBytes) {
    this.ingest = ingest;
    this.metrics = metrics;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    String address = SocketIngest.address(packet.sender());
    SourceCounters counters = ingest.counters(address);
    ByteBuf content = packet.content();
    if (content.readableBytes() > maxFrameBytes) {
      // The receive buffer holds maxFrameBytes + 1, so a longer datagram arrives cut off: skip it whole.
      counters.oversized();
      metrics.udpOversized.increment();
      return;
    }
    String text = SyslogFrameDecoder.frameText(content, content.readerIndex(), content.readableBytes());
    if (text == null) {
      return;
    }
    Inbound in = ingest.admit(address, counters, text);
    if (in != null && !ingest.pipeline().offer(in)) {
      counters.dropped(1);
      metrics.udpDroppedQueueFull.increment();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // An ICMP error or a failed read must not close the shared UDP socket.
    LOG.debug("syslog UDP read failed: {}", cause.toString());
  }
}
