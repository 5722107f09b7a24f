package io.phosor.ingest.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogFrameDecoderTest {

  /** Runs bytes through a fresh decoder, delivering them in the given chunks, then ends the stream. */
  static final class Run {
    final List<String> frames = new ArrayList<>();
    final List<FrameTooLongException> oversized = new ArrayList<>();
    private final EmbeddedChannel channel;

    Run(int maxFrameBytes) {
      channel = new EmbeddedChannel(new SyslogFrameDecoder(maxFrameBytes), new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          frames.add((String) msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          oversized.add((FrameTooLongException) cause);
        }
      });
    }

    Run write(byte[] bytes) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes));
      return this;
    }

    Run write(String s) {
      return write(s.getBytes(StandardCharsets.UTF_8));
    }

    Run end() {
      channel.finish();
      return this;
    }

    boolean open() {
      return channel.isOpen();
    }
  }

  static Run decode(int max, String stream) {
    return new Run(max).write(stream).end();
  }

  @Test
  void octetCountedFramesAreSplitByTheirDeclaredLength() {
    Run run = decode(1024, "16 <1>1 - - - - - -25 <3>1 - host.local - - - -");
    assertThat(run.frames).containsExactly("<1>1 - - - - - -", "<3>1 - host.local - - - -");
  }

  @Test
  void octetCountsAreInBytesNotCharacters() {
    Run run = decode(1024, "23 <1>1 - - - - - - hellø12 <2>1 - - x y");
    assertThat(run.frames).containsExactly("<1>1 - - - - - - hellø", "<2>1 - - x y");
  }

  @Test
  void newlineFramesEndAtLf() {
    Run run = decode(1024, "<13>Jan  1 00:00:00 host app: one\n<13>Jan  1 00:00:01 host app: two\n");
    assertThat(run.frames).containsExactly("<13>Jan  1 00:00:00 host app: one", "<13>Jan  1 00:00:01 host app: two");
  }

  @Test
  void crlfAndNulTrailersAreAcceptedAndStripped() {
    Run run = decode(1024, "<1>a\r\n<2>b\0<3>c\n");
    assertThat(run.frames).containsExactly("<1>a", "<2>b", "<3>c");
  }

  @Test
  void emptyLinesBetweenFramesAreSkipped() {
    Run run = decode(1024, "\n\r\n<1>a\n\n5 <2>b\n\n");
    assertThat(run.frames).containsExactly("<1>a", "<2>b");
  }

  @Test
  void oneStreamMayMixBothFramingsFrameByFrame() {
    Run run = decode(1024, "<1>line one\n9 <2>count1<3>line two\r\n9 <4>count2");
    assertThat(run.frames).containsExactly("<1>line one", "<2>count1", "<3>line two", "<4>count2");
  }

  @Test
  void framesSplitAcrossReadsAtEveryByteBoundaryDecodeTheSame() {
    String stream = "16 <1>1 - - - - - -<13>newline frame\r\n23 <1>1 - - - - - - hellø<14>nul\0"
        + "1x not a length\n70 " + "s".repeat(70) + "<15>after\n" + "<16>" + "n".repeat(70) + "\n<17>end";
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    Run whole = new Run(64).write(bytes).end();
    assertThat(whole.frames).containsExactly("<1>1 - - - - - -", "<13>newline frame", "<1>1 - - - - - - hellø",
        "<14>nul", "1x not a length", "<15>after", "<17>end");
    assertThat(whole.oversized).hasSize(2);
    for (int a = 0; a <= bytes.length; a++) {
      for (int b = a; b <= bytes.length; b += 7) {
        Run split = new Run(64);
        split.write(java.util.Arrays.copyOfRange(bytes, 0, a));
        split.write(java.util.Arrays.copyOfRange(bytes, a, b));
        split.write(java.util.Arrays.copyOfRange(bytes, b, bytes.length));
        split.end();
        assertThat(split.frames).as("split at %d and %d", a, b).isEqualTo(whole.frames);
        assertThat(split.oversized).as("split at %d and %d", a, b).hasSize(2);
      }
    }
    Run byteByByte = new Run(64);
    for (byte x : bytes) {
      byteByByte.write(new byte[] {x});
    }
    assertThat(byteByByte.end().frames).isEqualTo(whole.frames);
  }

  @Test
  void oversizedOctetCountedFrameIsSkippedAndTheNextFrameIsIntact() {
    String big = "x".repeat(100);
    Run run = new Run(32);
    run.write("100 " + big.substring(0, 10));
    run.write(big.substring(10) + "5 <1>ok");
    run.end();
    assertThat(run.frames).containsExactly("<1>ok");
    assertThat(run.oversized).hasSize(1);
    assertThat(run.oversized.get(0).frameBytes()).isEqualTo(100);
    assertThat(run.oversized.get(0).maxFrameBytes()).isEqualTo(32);
  }

  @Test
  void oversizedOctetCountedFrameIsDiscardedWithoutBeingBuffered() {
    Run run = new Run(32);
    run.write("1000000 ");
    for (int i = 0; i < 1000; i++) {
      run.write("y".repeat(1000));
    }
    run.write("5 <1>ok\n");
    assertThat(run.frames).containsExactly("<1>ok");
    assertThat(run.oversized).hasSize(1);
    assertThat(run.open()).isTrue();
  }

  @Test
  void oversizedNewlineFrameIsSkippedUpToItsNewlineAndTheNextFrameIsIntact() {
    Run run = new Run(32);
    run.write("<1>" + "z".repeat(20));
    run.write("z".repeat(40));
    run.write("z".repeat(40) + "\n<2>next\n");
    run.end();
    assertThat(run.frames).containsExactly("<2>next");
    assertThat(run.oversized).hasSize(1);
  }

  @Test
  void oversizedNewlineFrameWithinOneReadIsSkipped() {
    Run run = decode(8, "<1>12345678\n<2>ok\n");
    assertThat(run.frames).containsExactly("<2>ok");
    assertThat(run.oversized).hasSize(1);
  }

  @Test
  void framesOfExactlyTheMaximumSizeAreAccepted() {
    Run run = decode(8, "8 <1>45678<1>45678\r\n<1>45678");
    assertThat(run.frames).containsExactly("<1>45678", "<1>45678", "<1>45678");
    assertThat(run.oversized).isEmpty();
  }

  @Test
  void malformedLengthIsReadAsANewlineFrame() {
    Run run = decode(1024, "12a <1>x\n2024-01-01 host msg\n4 <2>y");
    assertThat(run.frames).containsExactly("12a <1>x", "2024-01-01 host msg", "<2>y");
  }

  @Test
  void absurdlyLongDigitRunIsNotTakenForALength() {
    Run run = decode(1024, "123456789012345 <1>x\n");
    assertThat(run.frames).containsExactly("123456789012345 <1>x");
    assertThat(run.oversized).isEmpty();
  }

  @Test
  void zeroLengthIsNotAValidMsgLen() {
    Run run = decode(1024, "0 <1>x\n");
    assertThat(run.frames).containsExactly("0 <1>x");
  }

  @Test
  void truncatedLastFrameIsKeptAtEndOfStream() {
    assertThat(decode(1024, "16 <1>1").frames).containsExactly("<1>1");
    assertThat(decode(1024, "<1>no newline").frames).containsExactly("<1>no newline");
  }

  @Test
  void anUnterminatedLastFrameOneByteOverTheLimitIsSkippedNotEmitted() {
    // found by fuzzing (docs/fuzzing.md): the byte kept for a CR before the LF let the stream's last,
    // unterminated frame through at maxFrameBytes + 1
    Run over = decode(8, "<1>x\n<1>456789");
    assertThat(over.frames).containsExactly("<1>x");
    assertThat(over.oversized).singleElement().satisfies(e -> assertThat(e.frameBytes()).isEqualTo(9));
    assertThat(decode(8, "<1>x\n<1>45678\r").frames).containsExactly("<1>x", "<1>45678");
  }

  @Test
  void invalidUtf8IsReplacedNotRejected() {
    byte[] bytes = {'<', '1', '>', 'a', (byte) 0xff, (byte) 0xc3, 'b', '\n'};
    Run run = new Run(64).write(bytes).end();
    assertThat(run.frames).hasSize(1);
    assertThat(run.frames.get(0)).startsWith("<1>a").endsWith("b").contains("\uFFFD");
  }

  @Test
  void maximumFrameSizeMustBePositive() {
    assertThatThrownBy(() -> new SyslogFrameDecoder(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFrameBytes");
  }
}
