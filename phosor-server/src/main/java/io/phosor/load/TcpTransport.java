package io.phosor.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Syslog over TCP with octet-counting framing, {@code MSG-LEN SP SYSLOG-MSG} (RFC 6587 section 3.4.1), or GELF over
 * TCP (JSON messages each ended by a NUL byte).
 * A batch is written and flushed as a whole; "accepted" means flushed to the socket. After a write
 * failure the batch counts as errors and the next batch reconnects; if connecting fails the run stops.
 */
final class TcpTransport implements Transport {
  /** Large enough to turn a batch of small frames into a few system calls. */
  private static final int BUFFER_BYTES = 64 * 1024;

  private final InetSocketAddress target;
  private final int timeoutMillis;
  private final Tally tally;
  private final boolean gelf;
  private Socket socket;
  private OutputStream out;

  TcpTransport(String host, int port, Duration timeout, Tally tally, boolean gelf) {
    this.gelf = gelf;
    this.target = new InetSocketAddress(host, port);
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    this.tally = tally;
  }

  @Override
  public boolean send(List<SampleEvent> batch) {
    if (out == null) {
      try {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, timeoutMillis);
        out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
      } catch (IOException e) {
        tally.failed(batch.size(), e);
        close();
        return false;
      }
    }
    try {
      for (SampleEvent e : batch) {
        if (gelf) {
          out.write(e.gelf().getBytes(StandardCharsets.UTF_8));
          out.write(0);
          continue;
        }
        byte[] msg = e.syslogLine().getBytes(StandardCharsets.UTF_8);
        out.write(Integer.toString(msg.length).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.write(msg);
      }
      out.flush();
      tally.accepted.add(batch.size());
    } catch (IOException e) {
      tally.failed(batch.size(), e);
      close();
    }
    return true;
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close(); // flushes nothing more: every batch was flushed or counted as failed
      } catch (IOException ignored) {
        // closing a broken socket: its batch is already counted
      }
    }
    socket = null;
    out = null;
  }
}
