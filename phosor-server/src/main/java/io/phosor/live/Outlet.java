package io.phosor.live;

import java.util.concurrent.CompletableFuture;

/**
 * The sending side of one client's connection. Writes are asynchronous; the caller keeps at most one
 * outstanding (the returned future completes when the frame is written, exceptionally when it cannot be).
 */
interface Outlet {
  /** Starts writing one text message. */
  CompletableFuture<Void> send(String text);

  /** Starts writing a ping. */
  CompletableFuture<Void> ping();

  /** Starts a close handshake with {@code code} (RFC 6455 section 7.4) and a short reason. */
  void close(int code, String reason);

  /** Drops the connection at once, without a close handshake (for a peer that reads nothing). */
  void disconnect();

  /** True until the connection is closed. */
  boolean isOpen();
}
