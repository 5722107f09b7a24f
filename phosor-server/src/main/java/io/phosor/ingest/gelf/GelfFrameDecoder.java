package io.phosor.ingest.gelf;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.Delimiters;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;

/**
 * Splits a GELF TCP stream into messages (GELF specification, "GELF via TCP": each message is terminated by a NUL
 * byte; TCP carries no compression). Netty's {@link DelimiterBasedFrameDecoder} does the framing and bounds every
 * frame by {@code maxFrameBytes}; a longer frame is discarded up to its NUL, a {@link TooLongFrameException} is
 * fired down the pipeline without closing the connection, and the frames after it in the same read are decoded at
 * once (the base class would stop decoding that read on the exception). Frames become UTF-8 strings without the
 * surrounding whitespace; empty frames are skipped.
 */
final class GelfFrameDecoder extends DelimiterBasedFrameDecoder {
  GelfFrameDecoder(int maxFrameBytes) {
    super(maxFrameBytes, true, false, Delimiters.nulDelimiter());
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf buffer) throws Exception {
    Object frame;
    try {
      frame = super.decode(ctx, buffer);
    } catch (TooLongFrameException e) {
      ctx.fireExceptionCaught(e);
      return null;
    }
    if (!(frame instanceof ByteBuf b)) {
      return frame;
    }
    try {
      return b.isReadable() ? GelfPayload.trimmed(b.toString(StandardCharsets.UTF_8)) : null;
    } finally {
      b.release();
    }
  }
}
