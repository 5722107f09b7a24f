package io.phosor.ingest.net;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.phosor.pipeline.Inbound;
import io.phosor.stats.SourceCounters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the frames (strings from the framing decoder before it) of one TCP or TLS connection to the pipeline, in order, and never drops one: when the
 * ingest queue is full the connection stops reading (the sender's TCP window fills and it slows down),
 * keeps its pending frames, and retries on its own event loop every {@link #RETRY_MILLIS} ms until the
 * queue takes them; then it reads again (SPEC section 4, "backpressure instead of loss"). Frames the rate
 * limiter refuses are counted and discarded without pausing: shedding a flood is the limiter's job.
 */
public final class StreamIngestHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(StreamIngestHandler.class);
  /** Frames handed to the pipeline in one submit: amortizes the queue hand-off, small next to its capacity. */
  static final int BATCH = 256;
  /** Short enough to add little latency once the queue drains, long enough not to spin the event loop. */
  static final long RETRY_MILLIS = 5;

  private final SocketIngest ingest;
  private final Counter oversized;
  private final Counter pauses;
  private final Counter tlsHandshakeFailures;
  private final String name;
  private final ArrayDeque<Inbound> pending = new ArrayDeque<>();
  private final List<Inbound> chunk = new ArrayList<>(BATCH);
  private String address;
  private SourceCounters counters;
  private boolean paused;
  private ScheduledFuture<?> retry;

  /**
   * A handler for one connection. A {@link TooLongFrameException} from the decoder counts in {@code oversized} and
   * in the sender's counters; {@code pauses} counts backpressure pauses; {@code tlsHandshakeFailures} (null for
   * plain TCP) failed handshakes; {@code name} ("syslog", "GELF") appears in debug logs.
   */
  public StreamIngestHandler(SocketIngest ingest, Counter oversized, Counter pauses, Counter tlsHandshakeFailures,
      String name) {
    this.ingest = ingest;
    this.oversized = oversized;
    this.pauses = pauses;
    this.tlsHandshakeFailures = tlsHandshakeFailures;
    this.name = name;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    sender(ctx);
    ctx.fireChannelActive();
  }

  private void sender(ChannelHandlerContext ctx) {
    if (counters == null) {
      address = SocketIngest.address(ctx.channel().remoteAddress());
      counters = ingest.counters(address);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof String text)) {
      ctx.fireChannelRead(msg);
      return;
    }
    sender(ctx);
    Inbound in = ingest.admit(address, counters, text);
    if (in != null) {
      pending.add(in);
      if (pending.size() >= BATCH) {
        drain(ctx);
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    drain(ctx);
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Frames already read are still delivered after the sender hangs up (the retry keeps running).
    drain(ctx);
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
      if (tlsHandshakeFailures != null) {
        tlsHandshakeFailures.increment();
      }
      LOG.debug("{} TLS handshake with {} failed: {}", name, ctx.channel().remoteAddress(), done.cause().toString());
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      sender(ctx);
      counters.oversized();
      oversized.increment();
      return;
    }
    // I/O errors (connection reset) and TLS failures end this connection only.
    LOG.debug("{} connection from {} failed: {}", name, ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  /** Hands pending frames to the pipeline in order; pauses reading while the queue refuses them. */
  private void drain(ChannelHandlerContext ctx) {
    while (!pending.isEmpty()) {
      if (pending.size() > 1) {
        chunk.clear();
        for (Inbound in : pending) {
          chunk.add(in);
          if (chunk.size() == BATCH) {
            break;
          }
        }
        if (ingest.pipeline().submit(chunk) != null) {
          for (int i = chunk.size(); i > 0; i--) {
            pending.poll();
          }
          continue;
        }
      }
      // The queue may still have room for fewer than a whole chunk.
      if (!ingest.pipeline().offer(pending.peek())) {
        break;
      }
      pending.poll();
    }
    chunk.clear();
    if (pending.isEmpty()) {
      ingest.backlogged.remove(this);
      if (paused) {
        paused = false;
        ctx.channel().config().setAutoRead(true);
      }
      return;
    }
    ingest.backlogged.add(this);
    if (!paused) {
      paused = true;
      pauses.increment();
      ctx.channel().config().setAutoRead(false);
    }
    if (retry == null) {
      retry = ctx.executor().schedule(() -> {
        retry = null;
        drain(ctx);
      }, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Counts the frames still waiting as dropped and forgets them; call only once the event loop has stopped. */
  int dropPending() {
    int n = pending.size();
    if (n > 0) {
      counters.dropped(n);
      pending.clear();
    }
    return n;
  }
}
