package io.phosor.ingest.syslog;

import io.micrometer.core.instrument.Counter;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.phosor.config.PhosorConfig;
import io.phosor.ingest.net.Listeners;
import io.phosor.ingest.net.SocketIngest;
import io.phosor.ingest.net.StreamIngestHandler;
import io.phosor.pipeline.Pipeline;
import io.phosor.ratelimit.ReputationLimiter;
import io.phosor.stats.SourceStats;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syslog listeners: UDP (RFC 5426) and TCP (RFC 6587) on one port number, and TLS (RFC 5425) on another
 * when a certificate and key are configured. Listeners only frame bytes into messages and hand them to
 * the {@link Pipeline}; parsing happens on the pipeline thread. See docs/syslog.md.
 */
public final class SyslogServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyslogServer.class);
  /** 8 MiB absorbs a burst of ~100k small datagrams while the pipeline catches up; the kernel may cap it. */
  static final int UDP_RECEIVE_BUFFER = 8 << 20;
  /** Largest UDP payload over IPv4 (65,535 - 8 - 20); a bigger receive buffer would never fill. */
  static final int MAX_UDP_PAYLOAD = 65_507;
  /** Concurrent TCP + TLS connections; a few hundred senders is a large site, more is likely an attack. */
  static final int MAX_CONNECTIONS = 1_000;
  /** Attempts to find an ephemeral port that is free for both UDP and TCP (port 0, for tests). */
  private static final int EPHEMERAL_ATTEMPTS = 10;

  private final PhosorConfig config;
  private final int maxConnections;
  /** The source name every syslog event carries. */
  static final String SOURCE = "syslog";

  private final SocketIngest ingest;
  private final SyslogMetrics metrics;
  private final ChannelGroup channels = new DefaultChannelGroup("syslog", GlobalEventExecutor.INSTANCE);
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private int udpPort = -1;
  private int tcpPort = -1;
  private int tlsPort = -1;

  /** Creates the listeners; {@link #start()} binds them. */
  public SyslogServer(PhosorConfig config, Pipeline pipeline, SourceStats stats, ReputationLimiter limiter,
      MeterRegistry registry, Clock clock) {
    this(config, pipeline, stats, limiter, registry, clock, MAX_CONNECTIONS);
  }

  SyslogServer(PhosorConfig config, Pipeline pipeline, SourceStats stats, ReputationLimiter limiter,
      MeterRegistry registry, Clock clock, int maxConnections) {
    this.maxConnections = maxConnections;
    this.config = config;
    this.metrics = new SyslogMetrics(registry);
    // the rate limiter's key is the bare address (syslog was the first input; /api/sources relies on it)
    this.ingest = new SocketIngest(SOURCE, "", pipeline, stats, limiter, clock);
  }

  /** Binds UDP and TCP on the syslog port, and TLS when configured. */
  public void start() throws InterruptedException {
    SslContext tls = config.syslogTlsEnabled()
        ? SyslogTls.serverContext(config.syslogTlsCert(), config.syslogTlsKey())
        : null;
    if (config.syslogPort() < 0 && tls == null) {
      return;
    }
    boolean epoll = Epoll.isAvailable();
    boss = epoll ? new EpollEventLoopGroup(1, new DefaultThreadFactory("syslog-accept"))
        : new NioEventLoopGroup(1, new DefaultThreadFactory("syslog-accept"));
    int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
    workers = epoll ? new EpollEventLoopGroup(threads, new DefaultThreadFactory("syslog-io"))
        : new NioEventLoopGroup(threads, new DefaultThreadFactory("syslog-io"));
    try {
      if (config.syslogPort() >= 0) {
        bindPlain(epoll);
      }
      if (tls != null) {
        tlsPort = bindTcp(epoll, config.syslogTlsPort(), tls, "TLS", "PHOSOR_SYSLOG_TLS_PORT");
      }
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    LOG.info("syslog listening on {} (udp {}, tcp {}, tls {}, transport {})", config.syslogHost(), udpPort, tcpPort,
        tlsPort, epoll ? "epoll" : "nio");
  }

  private void bindPlain(boolean epoll) throws InterruptedException {
    int port = config.syslogPort();
    if (port != 0) {
      udpPort = bindUdp(epoll, port);
      tcpPort = bindTcp(epoll, port, null, "TCP", "PHOSOR_SYSLOG_PORT");
      return;
    }
    // Port 0: take a free UDP port, then the same number for TCP; retry if TCP has it taken.
    for (int attempt = 1; ; attempt++) {
      int udp = bindUdp(epoll, 0);
      try {
        tcpPort = bindTcp(epoll, udp, null, "TCP", "PHOSOR_SYSLOG_PORT");
        udpPort = udp;
        return;
      } catch (UncheckedIOException e) {
        channels.stream().filter(c -> c instanceof DatagramChannel).forEach(Channel::close);
        if (attempt == EPHEMERAL_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private int bindUdp(boolean epoll, int port) throws InterruptedException {
    int bufferSize = Math.min(config.syslogMaxFrameBytes() + 1, MAX_UDP_PAYLOAD + 1);
    Bootstrap b = new Bootstrap().group(workers)
        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(bufferSize))
        .handler(new SyslogDatagramHandler(ingest, metrics, config.syslogMaxFrameBytes()));
    Channel ch = Listeners.bind(b.bind(config.syslogHost(), port), channels, "syslog UDP", config.syslogHost(), port,
        "PHOSOR_SYSLOG_HOST, PHOSOR_SYSLOG_PORT", "PHOSOR_SYSLOG_PORT");
    int granted = ((DatagramChannel) ch).config().getReceiveBufferSize();
    if (granted < UDP_RECEIVE_BUFFER) {
      LOG.warn("syslog UDP receive buffer is {} bytes, {} were requested: bursts may be dropped; raise the limit "
          + "with: sysctl -w net.core.rmem_max={}", granted, UDP_RECEIVE_BUFFER, UDP_RECEIVE_BUFFER);
    }
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  private int bindTcp(boolean epoll, int port, SslContext tls, String name, String env) throws InterruptedException {
    Counter opened = tls == null ? metrics.tcpOpened : metrics.tlsOpened;
    Counter oversized = tls == null ? metrics.tcpOversized : metrics.tlsOversized;
    int maxFrame = config.syslogMaxFrameBytes();
    ServerBootstrap b = new ServerBootstrap().group(boss, workers)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        // Dead peers are found by keepalive, not by an idle timeout: closing a quiet but healthy plain-TCP
        // sender makes it lose the first message it sends after the close (RFC 6587 has no acknowledgement).
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!Listeners.admit(ch, metrics.activeConnections, maxConnections, metrics.connectionsRejected, opened,
                channels)) {
              return;
            }
            if (tls != null) {
              SslHandler ssl = tls.newHandler(ch.alloc());
              ch.pipeline().addLast("tls", ssl);
            }
            ch.pipeline().addLast("framer", new SyslogFrameDecoder(maxFrame));
            ch.pipeline().addLast("ingest", new StreamIngestHandler(ingest, oversized, metrics.backpressurePauses,
                metrics.tlsHandshakeFailures, "syslog"));
          }
        });
    Channel ch = Listeners.bind(b.bind(config.syslogHost(), port), channels, "syslog " + name, config.syslogHost(),
        port, "PHOSOR_SYSLOG_HOST, " + env, env);
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

  /** The bound TLS port, or -1. */
  public int tlsPort() {
    return tlsPort;
  }

  /** Stops accepting: closes the listening sockets and open connections. */
  @Override
  public void close() {
    Listeners.shutdown(channels, boss, workers);
    // Frames a paused connection still held when the event loops stopped: the pipeline never got them.
    int lost = ingest.dropBacklog();
    if (lost > 0) {
      metrics.streamDroppedShutdown.increment(lost);
      LOG.warn("syslog: {} TCP/TLS messages were waiting for a full ingest queue at shutdown and were dropped", lost);
    }
    boss = null;
    workers = null;
    udpPort = -1;
    tcpPort = -1;
    tlsPort = -1;
  }
}
