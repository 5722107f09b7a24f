package io.phosor.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Syslog over UDP, one message per datagram (RFC 5426 section 3.1), or GELF over UDP (one uncompressed JSON message
 * per datagram). "Accepted" means handed to the kernel.
 */
final class UdpTransport implements Transport {
  private final DatagramChannel channel;
  private final InetSocketAddress target;
  private final Tally tally;
  private final boolean gelf;

  UdpTransport(String host, int port, Tally tally, boolean gelf) throws IOException {
    this.gelf = gelf;
    this.target = new InetSocketAddress(host, port);
    if (target.isUnresolved()) {
      throw new IOException("cannot resolve host " + host);
    }
    this.channel = DatagramChannel.open();
    this.tally = tally;
  }

  @Override
  public boolean send(List<SampleEvent> batch) {
    for (SampleEvent e : batch) {
      try {
        channel.send(ByteBuffer.wrap((gelf ? e.gelf() : e.syslogLine()).getBytes(StandardCharsets.UTF_8)), target);
        tally.accepted.increment();
      } catch (IOException ex) {
        tally.failed(1, ex);
      }
    }
    return true;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was lost: UDP has no pending data
    }
  }
}
