package io.phosor.ingest.syslog;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits a syslog TCP or TLS stream into messages (RFC 6587 section 3.4, used by RFC 5425 section 4.3).
 * The framing is detected per frame, so one stream may mix both methods:
 *
 * <ul>
 *   <li>Octet counting (section 3.4.1): a frame that starts with a non-zero digit is
 *       {@code MSG-LEN SP SYSLOG-MSG}, where MSG-LEN counts the octets of SYSLOG-MSG.
 *   <li>Non-transparent framing (section 3.4.2): any other frame runs up to a trailer, LF or NUL; a CR
 *       before the LF is dropped too (CRLF senders).
 * </ul>
 *
 * <p>A frame start made of digits that are not followed by a space (for instance {@code 12a } or a
 * bare {@code 2024-01-01 ...} line) is not a valid MSG-LEN, so that frame is read as non-transparent up
 * to its trailer instead of closing the connection.
 *
 * <p>Every frame is bounded by {@code maxFrameBytes}. An octet-counted frame that declares more is
 * skipped without buffering it (exactly the declared octets are discarded); a non-transparent frame that
 * grows beyond the limit is discarded up to its trailer. Either way a {@link FrameTooLongException} is
 * fired down the pipeline (it does not close the connection) and the next frame is read normally.
 *
 * <p>Frames are emitted as UTF-8 strings (invalid bytes become U+FFFD), without trailing CR, LF or
 * NUL; empty frames are skipped. At end of stream an unterminated last frame is still emitted so that
 * a sender's last message is kept, as text, even when it is incomplete.
 */
final class SyslogFrameDecoder extends ByteToMessageDecoder {
  /** MSG-LEN digits accepted: 10 digits already exceed any frame limit (at most 16 MiB in the config). */
  private static final int MAX_LENGTH_DIGITS = 10;

  /** Stops at the end of a non-transparent frame: LF, or NUL (RFC 6587 section 3.4.2). */
  private static final ByteProcessor NOT_TRAILER = b -> b != '\n' && b != 0;

  /** Outcomes of reading an octet-counted frame. */
  private static final int DONE = 0;
  private static final int NEED_MORE = 1;
  private static final int INVALID_LENGTH = 2;

  private final int maxFrameBytes;
  /** Octets still to skip of an oversized octet-counted frame. */
  private long discardOctets;
  /** True while skipping an oversized non-transparent frame up to its trailer. */
  private boolean discardingLine;
  /** True when the current frame was found to start with an invalid MSG-LEN: read it as a line. */
  private boolean lineFrame;

  SyslogFrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be > 0, was " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      if (discardOctets > 0) {
        int skip = (int) Math.min(in.readableBytes(), discardOctets);
        in.skipBytes(skip);
        discardOctets -= skip;
        continue;
      }
      if (discardingLine) {
        int end = trailerIndex(in, in.readerIndex(), in.writerIndex());
        if (end < 0) {
          in.skipBytes(in.readableBytes());
          return;
        }
        in.readerIndex(end + 1);
        discardingLine = false;
        continue;
      }
      if (!lineFrame && isNonZeroDigit(in.getByte(in.readerIndex()))) {
        int state = decodeOctetCounted(ctx, in, out);
        if (state == NEED_MORE) {
          return;
        }
        if (state == DONE) {
          continue;
        }
        lineFrame = true; // INVALID_LENGTH: fall through to a non-transparent frame
      }
      if (!decodeLine(ctx, in, out)) {
        return;
      }
    }
  }

  /** Reads {@code MSG-LEN SP SYSLOG-MSG} at the reader index (RFC 6587 section 3.4.1). */
  private int decodeOctetCounted(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int limit = in.writerIndex();
    long length = 0;
    int i = start;
    while (true) {
      if (i == limit) {
        return NEED_MORE;
      }
      byte b = in.getByte(i);
      if (b == ' ') {
        break;
      }
      if (b < '0' || b > '9' || i - start >= MAX_LENGTH_DIGITS) {
        return INVALID_LENGTH;
      }
      length = length * 10 + (b - '0');
      i++;
    }
    int bodyStart = i + 1;
    if (length > maxFrameBytes) {
      in.readerIndex(bodyStart);
      discardOctets = length;
      ctx.fireExceptionCaught(new FrameTooLongException(length, maxFrameBytes));
      return DONE;
    }
    if (limit - bodyStart < length) {
      return NEED_MORE;
    }
    emit(in, bodyStart, (int) length, out);
    in.readerIndex(bodyStart + (int) length);
    return DONE;
  }

  /** Reads a frame up to LF or NUL (RFC 6587 section 3.4.2); false when more bytes are needed. */
  private boolean decodeLine(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    // One byte more than the limit may be a CR before the LF.
    int searchEnd = (int) Math.min(in.writerIndex(), (long) start + maxFrameBytes + 2);
    int end = trailerIndex(in, start, searchEnd);
    if (end < 0) {
      int readable = in.writerIndex() - start;
      if (readable <= maxFrameBytes + 1) {
        return false;
      }
      lineFrame = false;
      int later = trailerIndex(in, searchEnd, in.writerIndex());
      if (later < 0) {
        in.skipBytes(readable);
        discardingLine = true;
      } else {
        in.readerIndex(later + 1);
      }
      ctx.fireExceptionCaught(new FrameTooLongException(readable, maxFrameBytes));
      return later >= 0;
    }
    lineFrame = false;
    int length = end - start;
    if (length > 0 && in.getByte(end - 1) == '\r') {
      length--;
    }
    in.readerIndex(end + 1);
    if (length > maxFrameBytes) {
      ctx.fireExceptionCaught(new FrameTooLongException(length, maxFrameBytes));
      return true;
    }
    emit(in, start, length, out);
    return true;
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    decode(ctx, in, out);
    if (in.isReadable() && discardOctets == 0 && !discardingLine) {
      // The stream ended inside a frame: keep what arrived rather than lose the sender's last words
      // (without the MSG-LEN of a truncated octet-counted frame).
      int start = in.readerIndex();
      if (!lineFrame) {
        int i = start;
        while (i < in.writerIndex() && in.getByte(i) >= '0' && in.getByte(i) <= '9') {
          i++;
        }
        if (i > start && i < in.writerIndex() && in.getByte(i) == ' ') {
          start = i + 1;
        }
      }
      int end = in.writerIndex();
      while (end > start && isTrailer(in.getByte(end - 1))) {
        end--;
      }
      if (end - start > maxFrameBytes) {
        // a non-transparent frame may hold one byte more than the limit while waiting for CR LF
        ctx.fireExceptionCaught(new FrameTooLongException(end - start, maxFrameBytes));
      } else {
        emit(in, start, end - start, out);
      }
      in.skipBytes(in.readableBytes());
    }
    lineFrame = false;
  }

  private static void emit(ByteBuf in, int start, int length, List<Object> out) {
    String text = frameText(in, start, length);
    if (text != null) {
      out.add(text);
    }
  }

  /**
   * The text of a frame: UTF-8 with invalid bytes replaced, without trailing CR, LF or NUL; null when
   * nothing is left.
   */
  static String frameText(ByteBuf in, int start, int length) {
    int end = start + length;
    while (end > start && isTrailer(in.getByte(end - 1))) {
      end--;
    }
    return end > start ? in.toString(start, end - start, StandardCharsets.UTF_8) : null;
  }

  private static int trailerIndex(ByteBuf in, int from, int to) {
    return to <= from ? -1 : in.forEachByte(from, to - from, NOT_TRAILER);
  }

  private static boolean isTrailer(byte b) {
    return b == '\n' || b == '\r' || b == 0;
  }

  private static boolean isNonZeroDigit(byte b) {
    return b >= '1' && b <= '9';
  }
}
