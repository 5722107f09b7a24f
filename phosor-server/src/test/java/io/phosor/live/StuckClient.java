package io.phosor.live;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A live feed client that completes the WebSocket upgrade (RFC 6455 section 4.1) over a raw socket with a
 * small receive buffer and then reads nothing: the slowest possible reader.
 */
public final class StuckClient implements AutoCloseable {
  private final Socket socket;

  private StuckClient(Socket socket) {
    this.socket = socket;
  }

  /** Connects to {@code /ws/events} on {@code port} with {@code token} and stops reading after the 101. */
  public static StuckClient connect(int port, String token) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    String request = "GET " + LiveFeed.PATH + "?token=" + token + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    StringBuilder head = new StringBuilder();
    InputStream in = s.getInputStream();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      s.close();
      throw new IOException("upgrade refused: " + head);
    }
    return new StuckClient(s);
  }

  /** Reads and discards until the server closes the connection; false when it is still open after {@code max}. */
  public boolean drainUntilClosed(Duration max) throws IOException {
    long end = System.nanoTime() + max.toNanos();
    byte[] buf = new byte[1 << 16];
    socket.setSoTimeout(200);
    InputStream in = socket.getInputStream();
    while (System.nanoTime() < end) {
      try {
        if (in.read(buf) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // nothing yet
      } catch (IOException e) {
        return true; // reset by the server
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
