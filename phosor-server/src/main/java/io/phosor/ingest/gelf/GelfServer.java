package io.phosor.ingest.gelf;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.phosor.config.InputsConfig;
import io.phosor.ingest.net.Listeners;
import io.phosor.ingest.net.SocketIngest;
import io.phosor.ingest.net.StreamIngestHandler;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.stats.SourceStats;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GELF 1.1 listeners (Graylog Extended Log Format): UDP (whole, gzip, zlib and chunked datagrams) and TCP
 * (NUL-terminated messages) on one port number, off unless {@code PHOSOR_GELF_PORT} is set. Like the syslog
 * listeners they only frame, reassemble and inflate; every message goes through the per-source rate limiter and
 * counters and then the pipeline (parse, GELF field mapping, redaction, journal). See docs/gelf.md.
 */
public final class GelfServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GelfServer.class);
  /** The source name GELF events carry, and the kind of their per-sender counters ("gelf:{ip}"). */
  public static final String SOURCE = "gelf";
  /** 8 MiB absorbs a burst while the pipeline catches up; the kernel may cap it (net.core.rmem_max). */
  static final int UDP_RECEIVE_BUFFER = 8 << 20;
  /** Largest UDP payload over IPv4 (65,535 - 8 - 20), plus one byte to tell a cut-off datagram. */
  static final int DATAGRAM_BUFFER = 65_507 + 1;
  /** Concurrent TCP connections; a few hundred senders is a large site, more is likely an attack. */
  static final int MAX_CONNECTIONS = 1_000;
  /** How often incomplete chunked messages are looked at; they expire after 5 s, so at most 6 s after the first. */
  static final long EXPIRY_CHECK_MILLIS = 1_000;
  private static final int EPHEMERAL_ATTEMPTS = 10;

  private final InputsConfig config;
  private final SocketIngest ingest;
  private final GelfMetrics metrics;
  private final ChannelGroup channels = new DefaultChannelGroup("gelf", GlobalEventExecutor.INSTANCE);
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private int udpPort = -1;
  private int tcpPort = -1;

  /** Creates the listeners; {@link #start()} binds them when GELF is configured. */
  public GelfServer(InputsConfig config, Pipeline pipeline, SourceStats stats, ReputationLimiter limiter,
      MeterRegistry registry, Clock clock) {
    this.config = config;
    this.metrics = new GelfMetrics(registry);
    // rate-limit key "gelf:{ip}", the same id as the sender's counters (shown with its reputation in /api/sources)
    this.ingest = new SocketIngest(SOURCE, SOURCE + ":", pipeline, stats, limiter, clock);
  }

  /** Binds UDP and TCP on the GELF port; does nothing when GELF is off. */
  public void start() throws InterruptedException {
    if (!config.gelfEnabled()) {
      return;
    }
    boolean epoll = Epoll.isAvailable();
    boss = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory("gelf-accept"))
        : new NioEventLoopGroup(1, new DefaultThreadFactory("gelf-accept"));
    int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
    workers = epoll ? new EpollEventLoopGroup(threads, new DefaultThreadFactory("gelf-io"))
        : new NioEventLoopGroup(threads, new DefaultThreadFactory("gelf-io"));
    try {
      int port = config.gelfPort();
      if (port != 0) {
        udpPort = bindUdp(epoll, port);
        tcpPort = bindTcp(epoll, port);
      } else {
        // port 0 (tests): a free UDP port, then the same number for TCP; retry if TCP has it taken
        for (int attempt = 1; ; attempt++) {
          int udp = bindUdp(epoll, 0);
          try {
            tcpPort = bindTcp(epoll, udp);
            udpPort = udp;
            break;
          } catch (UncheckedIOException e) {
            channels.stream().filter(c -> c instanceof DatagramChannel).forEach(Channel::close);
            if (attempt == EPHEMERAL_ATTEMPTS) {
              throw e;
            }
          }
        }
      }
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    LOG.info("GELF listening on {} (udp {}, tcp {}, transport {})", config.gelfHost(), udpPort, tcpPort,
        epoll ? "epoll" : "nio");
  }

  private int bindUdp(boolean epoll, int port) throws InterruptedException {
    GelfDatagramHandler handler = new GelfDatagramHandler(ingest, metrics, config.gelfMaxMessageBytes(),
        DATAGRAM_BUFFER);
    Bootstrap b = new Bootstrap().group(workers)
        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(DATAGRAM_BUFFER))
        .handler(handler);
    Channel ch = Listeners.bind(b.bind(config.gelfHost(), port), channels, "GELF UDP", config.gelfHost(), port,
        "PHOSOR_GELF_HOST, PHOSOR_GELF_PORT", "PHOSOR_GELF_PORT");
    ch.eventLoop().scheduleAtFixedRate(handler::expire, EXPIRY_CHECK_MILLIS, EXPIRY_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
    int granted = ((DatagramChannel) ch).config().getReceiveBufferSize();
    if (granted < UDP_RECEIVE_BUFFER) {
      LOG.warn("GELF UDP receive buffer is {} bytes, {} were requested: bursts may be dropped; raise the limit "
          + "with: sysctl -w net.core.rmem_max={}", granted, UDP_RECEIVE_BUFFER, UDP_RECEIVE_BUFFER);
    }
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  private int bindTcp(boolean epoll, int port) throws InterruptedException {
    int maxFrame = config.gelfMaxMessageBytes();
    ServerBootstrap b = new ServerBootstrap().group(boss, workers)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        // like syslog: no acknowledgement in the protocol, so dead peers are found by keepalive, not an idle timeout
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!Listeners.admit(ch, metrics.activeConnections, MAX_CONNECTIONS, metrics.connectionsRejected,
                metrics.tcpOpened, channels)) {
              return;
            }
            ch.pipeline().addLast("framer", new GelfFrameDecoder(maxFrame));
            ch.pipeline().addLast("ingest", new StreamIngestHandler(ingest, metrics.tcpOversized,
                metrics.backpressurePauses, null, "GELF"));
          }
        });
    Channel ch = Listeners.bind(b.bind(config.gelfHost(), port), channels, "GELF TCP", config.gelfHost(), port,
        "PHOSOR_GELF_HOST, PHOSOR_GELF_PORT", "PHOSOR_GELF_PORT");
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /** The bound UDP port, or -1. */
  public int udpPort() {
    return udpPort;
  }

  /** The bound TCP port, or -1. */
  public int tcpPort() {
    return tcpPort;
  }

  /** Stops accepting: closes the sockets and connections; messages a paused connection still held are counted. */
  @Override
  public void close() {
    Listeners.shutdown(channels, boss, workers);
    int lost = ingest.dropBacklog();
    if (lost > 0) {
      metrics.tcpDroppedShutdown.increment(lost);
      LOG.warn("GELF: {} TCP messages were waiting for a full ingest queue at shutdown and were dropped", lost);
    }
    boss = null;
    workers = null;
    udpPort = -1;
    tcpPort = -1;
  }
}
