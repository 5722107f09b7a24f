package io.phosor.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IpTest {
  @Test
  void ipv4TextIsReadStrictly() {
    assertThat(Ip.parseV4("198.51.100.7")).isEqualTo(0xC6336407L);
    assertThat(Ip.parseV4("0.0.0.0")).isZero();
    assertThat(Ip.parseV4("255.255.255.255")).isEqualTo(0xffffffffL);
    for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.", ".1.2.3", "1..2.3",
        "1.2.3.4 ", "a.b.c.d", "1.2.3.4/24"}) {
      assertThat(Ip.parseV4(bad)).as(bad).isEqualTo(Ip.NOT_V4);
    }
  }

  @Test
  void ipv6TextIsReadInEveryRfc4291FormAndWrittenInRfc5952Form() {
    assertThat(v6("2001:db8::1")).isEqualTo("2001:db8::1");
    assertThat(v6("2001:0DB8:0000:0000:0000:0000:0000:0001")).isEqualTo("2001:db8::1");
    assertThat(v6("::")).isEqualTo("::");
    assertThat(v6("::1")).isEqualTo("::1");
    assertThat(v6("1::")).isEqualTo("1::");
    assertThat(v6("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
    assertThat(v6("2001:db8::1%eth0")).isEqualTo("2001:db8::1");
    assertThat(v6("64:ff9b::192.0.2.33")).isEqualTo("64:ff9b::c000:221");
    for (String bad : new String[] {":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:",
        ":1", "g::1", "1:2:3:4:5:6:7::8:9"}) {
      assertThat(Ip.parseV6(bad, 0, bad.length(), new long[2])).as(bad).isFalse();
    }
  }

  @Test
  void ipv4MappedAddressesAndBlocksBecomeIpv4() {
    assertThat(Ip.parseAddress("::ffff:198.51.100.7").text()).isEqualTo("198.51.100.7");
    assertThat(Ip.parseBlock("::ffff:198.51.100.0/120").text()).isEqualTo("198.51.100.0/24");
    assertThat(Ip.parseBlock("10.1.2.3/8").text()).as("host bits cleared").isEqualTo("10.0.0.0/8");
    assertThat(Ip.parseBlock("2001:db8::1/32").text()).isEqualTo("2001:db8::/32");
    assertThat(Ip.parseBlock("10.0.0.0/33")).isNull();
    assertThat(Ip.parseBlock("evil.example.com")).as("names are never resolved").isNull();
  }

  @Test
  void randomAddressesReadAsTheJdkReadsThem() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    long[] w = new long[2];
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[16];
      r.nextBytes(b);
      for (int k = 0; k < 16; k++) {
        if (r.nextInt(3) == 0) {
          b[k] = 0; // runs of zero groups
        }
      }
      InetAddress a = InetAddress.getByAddress(b);
      String text = a.getHostAddress();
      assertThat(Ip.parseV6(text, 0, text.length(), w)).as("seed %d: %s", seed, text).isTrue();
      String canonical = Ip.formatV6(w[0], w[1]);
      long[] back = new long[2];
      assertThat(Ip.parseV6(canonical, 0, canonical.length(), back)).as("seed %d: %s", seed, canonical).isTrue();
      assertThat(back).as("seed %d: %s", seed, canonical).containsExactly(w[0], w[1]);
      assertThat(java.nio.ByteBuffer.wrap(b).getLong()).as("seed %d: %s", seed, text).isEqualTo(w[0]);
      assertThat(java.nio.ByteBuffer.wrap(b, 8, 8).getLong()).as("seed %d: %s", seed, text).isEqualTo(w[1]);
    }
  }

  private static String v6(String s) {
    long[] w = new long[2];
    assertThat(Ip.parseV6(s, 0, s.length(), w)).as(s).isTrue();
    return Ip.formatV6(w[0], w[1]);
  }
}
