package io.phosor.ingest.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz target (Jazzer) for the syslog TCP/TLS framing decoder (RFC 6587 octet counting and
 * LF/NUL framing, mixed in one stream). In {@code ./mvnw verify} it replays the inputs under
 * {@code src/test/resources/io/phosor/ingest/syslog/SyslogFrameDecoderFuzzTestInputs/frames/}; each input
 * is the bytes a sender writes on one connection (docs/fuzzing.md).
 *
 * <p>Properties: the decoder never buffers more than one frame's worth ({@code maxFrameBytes} plus a
 * MSG-LEN and its space); it emits only non-empty frames within the limit, without trailing CR, LF or
 * NUL; the only error is {@link FrameTooLongException} and the connection stays open; and the frames do
 * not depend on how the stream was split into reads.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class SyslogFrameDecoderFuzzTest {
  /** Small, so that inputs of a few KB exercise both the normal and the oversized paths. */
  static final int MAX_FRAME_BYTES = 64;
  /** What the decoder may hold between reads: a whole frame, its MSG-LEN (up to 10 digits) and the space. */
  static final int MAX_BUFFERED = MAX_FRAME_BYTES + 10 + 1;

  private static final Method INTERNAL_BUFFER;

  static {
    try {
      INTERNAL_BUFFER = ByteToMessageDecoder.class.getDeclaredMethod("internalBuffer");
      INTERNAL_BUFFER.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @FuzzTest(maxDuration = "3m")
  void frames(byte[] stream) {
    Run whole = new Run();
    whole.write(stream);
    whole.end();

    Run split = new Run();
    Random r = new Random(Arrays.hashCode(stream));
    for (int at = 0; at < stream.length; ) {
      int n = Math.min(stream.length - at, 1 + r.nextInt(32));
      split.write(Arrays.copyOfRange(stream, at, at + n));
      at += n;
    }
    split.end();

    for (Run run : List.of(whole, split)) {
      long chars = 0;
      for (String f : run.frames) {
        assertThat(f).isNotEmpty();
        assertThat(f.length()).as("frame length").isLessThanOrEqualTo(MAX_FRAME_BYTES);
        char last = f.charAt(f.length() - 1);
        assertThat(last).as("last char of a frame").isNotIn('\r', '\n', '\0');
        chars += f.length();
      }
      assertThat(chars).as("chars of all frames").isLessThanOrEqualTo(stream.length);
      for (Throwable t : run.errors) {
        assertThat(t).isInstanceOf(FrameTooLongException.class);
        assertThat(((FrameTooLongException) t).frameBytes()).isGreaterThan(MAX_FRAME_BYTES);
      }
    }
    assertThat(split.frames).as("frames read in chunks vs at once").isEqualTo(whole.frames);
    assertThat(split.errors.size()).as("oversized frames read in chunks vs at once").isEqualTo(whole.errors.size());
  }

  /** One connection: a real decoder in an embedded channel, checked after every read. */
  private static final class Run {
    final List<String> frames = new ArrayList<>();
    final List<Throwable> errors = new ArrayList<>();
    private final SyslogFrameDecoder decoder = new SyslogFrameDecoder(MAX_FRAME_BYTES);
    private final EmbeddedChannel channel;

    Run() {
      channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          frames.add((String) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          errors.add(cause);
        }
      });
    }

    void write(byte[] bytes) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes));
      assertThat(buffered()).as("bytes the decoder holds between reads").isLessThanOrEqualTo(MAX_BUFFERED);
      assertThat(channel.isOpen()).isTrue();
    }

    void end() {
      channel.finish();
    }

    private int buffered() {
      try {
        return ((ByteBuf) INTERNAL_BUFFER.invoke(decoder)).readableBytes();
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
  }
}
