package io.phosor.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.phosor.event.Severity;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Syslog to a receiver over TCP or TLS (Netty): each record is one RFC 5424 message whose MSG is the record in CEF
 * ({@link Cef}), framed by octet counting ({@code MSG-LEN SP SYSLOG-MSG}, RFC 6587 section 3.4.1 and RFC 5425 section
 * 4.3). One connection, opened when needed and again after it broke; over TLS the receiver's certificate and host name
 * are verified. Syslog has no acknowledgement: a batch counts as sent when TCP has taken all of it.
 */
final class SyslogOutput implements Output {
  /** RFC 5424 section 6.2.3: a full date and time, here with milliseconds, in UTC. */
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final Destination d;
  private final Duration timeout;
  private final String hostname;
  private final SslContext ssl;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private Channel channel;

  SyslogOutput(Destination d, Duration timeout, String localHostname) {
    this.d = d;
    this.timeout = timeout;
    this.hostname = d.hostname() != null ? d.hostname() : localHostname;
    this.ssl = d.tls().enabled() ? ForwardTls.nettyContext(d) : null;
    this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("phosor-forward-" + d.name() + "-io", true));
    this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (ssl != null) {
              SslHandler h = ssl.newHandler(ch.alloc(), d.host(), d.port());
              SSLEngine engine = h.engine();
              SSLParameters p = engine.getSSLParameters();
              p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host we connect to
              engine.setSSLParameters(p);
              h.setHandshakeTimeoutMillis(timeout.toMillis());
              ch.pipeline().addLast(h);
            }
            ch.pipeline().addLast(new Discard());
          }
        });
  }

  /** A receiver has nothing to say; whatever it sends is released unread. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // the next send sees the channel closed and reconnects
    }
  }

  @Override
  public String target() {
    return (ssl != null ? "syslog+tls://" : "syslog+tcp://") + d.host() + ":" + d.port();
  }

  @Override
  public byte[] encode(Item item) {
    byte[] msg = message(item, d.facility(), hostname, d.appName()).getBytes(StandardCharsets.UTF_8);
    byte[] len = (msg.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] frame = new byte[len.length + msg.length];
    System.arraycopy(len, 0, frame, 0, len.length);
    System.arraycopy(msg, 0, frame, len.length, msg.length);
    return frame;
  }

  /**
   * The RFC 5424 message (section 6): {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG} with
   * PROCID and STRUCTURED-DATA nil, MSGID the record kind (event, alert, incident) and MSG the CEF line.
   */
  static String message(Item item, int facility, String hostname, String appName) {
    int pri = facility * 8 + syslogSeverity(item.severity());
    return "<" + pri + ">1 " + TIMESTAMP.format(item.time()) + " " + hostname + " " + appName + " - "
        + item.kind().singular() + " - " + Cef.format(item);
  }

  /** RFC 5424 severity: critical 2, high 3 (error), medium 4 (warning), low 5 (notice), informational 6. */
  static int syslogSeverity(Severity s) {
    if (s == null) {
      return 6;
    }
    return switch (s) {
      case CRITICAL -> 2;
      case HIGH -> 3;
      case MEDIUM -> 4;
      case LOW -> 5;
      case INFORMATIONAL -> 6;
    };
  }

  @Override
  public Result send(List<Encoded> batch) throws SendFailure {
    Channel ch = connect();
    byte[][] frames = new byte[batch.size()][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = batch.get(i).bytes();
    }
    ByteBuf buf = Unpooled.wrappedBuffer(frames);
    ChannelFuture f = ch.writeAndFlush(buf);
    if (!f.awaitUninterruptibly(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      ch.close();
      throw new SendFailure(target() + ": the receiver took nothing within " + timeout.toSeconds()
          + " s (it is stuck or the network is)", false);
    }
    if (!f.isSuccess()) {
      ch.close();
      throw new SendFailure(target() + ": sending failed: " + describe(f.cause()), false);
    }
    return Result.ALL_OK;
  }

  private Channel connect() throws SendFailure {
    if (channel != null && channel.isActive()) {
      return channel;
    }
    if (channel != null) {
      channel.close();
      channel = null;
    }
    // every address of the name in turn ("localhost" is ::1 and 127.0.0.1; a receiver may listen on one of them)
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(d.host());
    } catch (UnknownHostException e) {
      throw new SendFailure(target() + ": host name not found (DNS)", false);
    }
    ChannelFuture f = null;
    String why = "no address";
    for (InetAddress address : addresses) {
      f = bootstrap.connect(new InetSocketAddress(address, d.port()));
      if (f.awaitUninterruptibly(timeout.toMillis() + 500, TimeUnit.MILLISECONDS) && f.isSuccess()) {
        break;
      }
      why = f.cause() == null ? "timed out" : describe(f.cause());
      f.channel().close();
      f = null;
    }
    if (f == null) {
      throw new SendFailure(target() + ": cannot connect: " + why, false);
    }
    Channel ch = f.channel();
    SslHandler h = ch.pipeline().get(SslHandler.class);
    if (h != null) {
      var hs = h.handshakeFuture();
      if (!hs.awaitUninterruptibly(timeout.toMillis() + 500, TimeUnit.MILLISECONDS) || !hs.isSuccess()) {
        ch.close();
        throw new SendFailure(target() + ": TLS handshake failed: " + (hs.cause() == null ? "timed out"
            : describe(hs.cause())), false);
      }
    }
    channel = ch;
    return ch;
  }

  private static String describe(Throwable t) {
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    Throwable root = t;
    boolean certificate = false;
    while (root.getCause() != null && root.getCause() != root) {
      certificate |= root instanceof java.security.cert.CertificateException;
      root = root.getCause();
    }
    certificate |= root instanceof java.security.cert.CertificateException
        || root instanceof java.security.cert.CertPathValidatorException;
    if (certificate) {
      String m = String.valueOf(root.getMessage());
      return "the receiver's certificate is not trusted or does not name the host (check tls.ca_file): "
          + (m.length() > 200 ? m.substring(0, 200) : m);
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return m.length() > 300 ? m.substring(0, 300) : m;
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(1000);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
  }
}
