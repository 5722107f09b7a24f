package io.phosor.ingest.net;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** What the socket listeners (syslog, GELF) share: binding with a clear error, a connection cap, shutdown. */
public final class Listeners {
  private Listeners() {}

  /**
   * Waits for a bind and adds the channel to {@code channels}; a failure becomes one message naming the protocol,
   * the port and the settings to change.
   *
   * @param what e.g. "syslog TCP" or "GELF UDP"
   * @param settings the settings that choose host and port, e.g. "PHOSOR_SYSLOG_HOST, PHOSOR_SYSLOG_PORT"
   * @param portSetting the setting that chooses the port (named when the port is taken)
   */
  public static Channel bind(ChannelFuture future, ChannelGroup channels, String what, String host, int port,
      String settings, String portSetting) throws InterruptedException {
    future.await();
    if (!future.isSuccess()) {
      Throwable cause = future.cause();
      String msg = String.valueOf(cause.getMessage());
      if (cause instanceof BindException || msg.contains("Address already in use")) {
        throw new UncheckedIOException(new IOException(what + " port " + port + " is already in use (" + portSetting
            + ")", cause));
      }
      throw new UncheckedIOException(new IOException("cannot listen for " + what + " on " + host + ":" + port + ": "
          + msg + " (" + settings + ")", cause));
    }
    channels.add(future.channel());
    return future.channel();
  }

  /**
   * Admits a new connection under the cap: counts it in {@code active} until it closes and adds it to
   * {@code channels}; beyond {@code max} it is closed at once and counted in {@code rejected}.
   */
  public static boolean admit(SocketChannel ch, AtomicInteger active, int max, Counter rejected, Counter opened,
      ChannelGroup channels) {
    if (active.incrementAndGet() > max) {
      active.decrementAndGet();
      rejected.increment();
      ch.close();
      return false;
    }
    ch.closeFuture().addListener(f -> active.decrementAndGet());
    opened.increment();
    channels.add(ch);
    return true;
  }

  /** Closes the sockets and connections in {@code channels}, then stops the event loops (waiting a few seconds). */
  public static void shutdown(ChannelGroup channels, EventLoopGroup... groups) {
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    for (EventLoopGroup g : groups) {
      if (g != null) {
        g.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
      }
    }
    for (EventLoopGroup g : groups) {
      if (g != null) {
        g.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }
}
