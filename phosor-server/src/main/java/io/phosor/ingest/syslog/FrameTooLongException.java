package io.phosor.ingest.syslog;

import io.netty.handler.codec.TooLongFrameException;

/**
 * A syslog frame exceeded the maximum frame size and was skipped; fired by {@link SyslogFrameDecoder}
 * without closing the connection.
 */
final class FrameTooLongException extends TooLongFrameException {
  private static final long serialVersionUID = 1L;

  private final long frameBytes;
  private final int maxFrameBytes;

  FrameTooLongException(long frameBytes, int maxFrameBytes) {
    super("syslog frame of " + frameBytes + " bytes exceeds the maximum of " + maxFrameBytes
        + " bytes (PHOSOR_SYSLOG_MAX_FRAME_BYTES); skipped");
    this.frameBytes = frameBytes;
    this.maxFrameBytes = maxFrameBytes;
  }

  /** No stack trace: a flood of oversized frames must stay cheap, and the message says all. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }

  /** The size the frame declared (octet counting) or reached before it was cut off (newline framing). */
  long frameBytes() {
    return frameBytes;
  }

  /** The limit it exceeded. */
  int maxFrameBytes() {
    return maxFrameBytes;
  }
}
