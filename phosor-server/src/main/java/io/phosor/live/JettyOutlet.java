package io.phosor.live;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.websocket.api.BatchMode;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.WriteCallback;

/** An {@link Outlet} over a Jetty WebSocket session, using only Jetty's non-blocking writes. */
final class JettyOutlet implements Outlet {
  private final Session session;

  JettyOutlet(Session session) {
    this.session = session;
    // every write is flushed at once: the sender waits for it anyway, batching would only add latency
    session.getRemote().setBatchMode(BatchMode.OFF);
  }

  @Override
  public CompletableFuture<Void> send(String text) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      session.getRemote().sendString(text, callback(done));
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public CompletableFuture<Void> ping() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      session.getRemote().sendPing(ByteBuffer.allocate(0), callback(done));
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private static WriteCallback callback(CompletableFuture<Void> done) {
    return new WriteCallback() {
      @Override
      public void writeSuccess() {
        done.complete(null);
      }

      @Override
      public void writeFailed(Throwable x) {
        done.completeExceptionally(x);
      }
    };
  }

  @Override
  public void close(int code, String reason) {
    try {
      session.close(code, reason);
    } catch (RuntimeException e) {
      session.disconnect();
    }
  }

  @Override
  public void disconnect() {
    session.disconnect();
  }

  @Override
  public boolean isOpen() {
    return session.isOpen();
  }
}
