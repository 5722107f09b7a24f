package io.phosor.forward;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A syslog receiver for the tests (Netty, 127.0.0.1, plain TCP or TLS): decodes RFC 6587 octet-counted frames on its
 * own (a reference independent of the code under test) and records each message; a frame that is not octet-counted
 * fails the connection and is recorded as an error.
 */
final class SyslogReceiver implements AutoCloseable {
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<Channel> connections = new CopyOnWriteArrayList<>();

  SyslogReceiver(SslContext tls) throws InterruptedException {
    this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new OctetCounted());
          }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  List<String> messages() {
    return List.copyOf(messages);
  }

  List<String> errors() {
    return List.copyOf(errors);
  }

  /** Closes every open connection (the sender must reconnect). */
  void dropConnections() {
    for (Channel c : connections) {
      c.close().syncUninterruptibly();
    }
  }

  private final class OctetCounted extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      while (true) {
        int space = in.indexOf(in.readerIndex(), Math.min(in.writerIndex(), in.readerIndex() + 12), (byte) ' ');
        if (space < 0) {
          if (in.readableBytes() >= 12) {
            errors.add("no octet count at the start of a frame");
            ctx.close();
          }
          return;
        }
        String digits = in.toString(in.readerIndex(), space - in.readerIndex(), StandardCharsets.US_ASCII);
        if (!digits.matches("[1-9][0-9]*")) {
          errors.add("bad octet count '" + digits + "'");
          ctx.close();
          in.skipBytes(in.readableBytes());
          return;
        }
        int len = Integer.parseInt(digits);
        if (in.writerIndex() - space - 1 < len) {
          return;
        }
        messages.add(in.toString(space + 1, len, StandardCharsets.UTF_8));
        in.readerIndex(space + 1 + len);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause.toString());
      ctx.close();
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
