package io.phosor.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The look-up structure against a plain scan of every block (BigInteger arithmetic), on seeded random data. */
class IndicatorIndexTest {
  private static final long NOW = 1_700_000_000_000L;

  record Ref(String file, Ip.Block block) {}

  @Test
  void lookUpsAgreeWithAPlainScanForRandomIpv4AndIpv6Blocks() {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    for (int round = 0; round < 8; round++) {
      List<Ref> all = new ArrayList<>();
      List<FileEntries> files = new ArrayList<>();
      for (int f = 0; f < 1 + r.nextInt(3); f++) {
        String name = "f" + f + ".txt";
        FileEntries fe = new FileEntries(name, "list", 1_000_000);
        int plain = fe.indicator(Indicator.listed(name, null));
        int n = r.nextInt(2000);
        for (int i = 0; i < n; i++) {
          Ip.Block b = randomBlock(r, all);
          fe.add(b, plain);
          all.add(new Ref(name, b));
        }
        files.add(fe);
      }
      IndicatorIndex idx = IndicatorIndex.build(files);
      assertThat(idx.size()).isEqualTo(all.size());
      long[] scratch = new long[2];
      for (int q = 0; q < 1500; q++) {
        Ip.Block ip = randomAddress(r, all);
        Set<String> expected = new HashSet<>();
        for (Ref ref : all) {
          if (contains(ref.block(), ip)) {
            expected.add(ref.file() + " " + ref.block().text());
          }
        }
        Set<String> got = new HashSet<>();
        List<IndicatorIndex.Match> matches = idx.matches(ip, NOW);
        for (IndicatorIndex.Match m : matches) {
          got.add(m.indicator().source() + " " + m.network());
        }
        assertThat(got).as("seed %d, round %d, address %s", seed, round, ip.text()).isEqualTo(expected);
        assertThat(matches.size()).as("seed %d: duplicates of %s", seed, ip.text()).isEqualTo(countAll(all, ip));
        Indicator first = idx.first(ip.text(), NOW, scratch);
        assertThat(first != null).as("seed %d: first(%s)", seed, ip.text()).isEqualTo(!expected.isEmpty());
        if (!matches.isEmpty()) {
          int longest = matches.stream().mapToInt(m -> Ip.parseBlock(m.network()).prefix()).max().orElseThrow();
          assertThat(Ip.parseBlock(matches.get(0).network()).prefix()).as("most specific first, seed %d", seed)
              .isEqualTo(longest);
        }
      }
    }
  }

  @Test
  void indicatorsOutsideTheirValidityAreSkippedAtLookUpTime() {
    FileEntries fe = new FileEntries("b.json", "stix", 10);
    int expired = fe.indicator(new Indicator("b.json", "stix", "old", null, null, null, List.of(), null,
        Long.MIN_VALUE, NOW - 1));
    int later = fe.indicator(new Indicator("b.json", "stix", "future", null, null, null, List.of(), null,
        NOW + 1000, Long.MAX_VALUE));
    int current = fe.indicator(new Indicator("b.json", "stix", "current", null, null, null, List.of(), null,
        NOW - 1000, NOW + 1000));
    fe.add(Ip.parseBlock("198.51.100.1"), expired);
    fe.add(Ip.parseBlock("198.51.100.2"), later);
    fe.add(Ip.parseBlock("198.51.100.0/24"), current);
    IndicatorIndex idx = IndicatorIndex.build(List.of(fe));
    long[] s = new long[2];

    assertThat(idx.first("198.51.100.1", NOW, s).description()).as("the /24 still holds").isEqualTo("current");
    assertThat(idx.first("198.51.100.2", NOW + 1000, s).description()).isEqualTo("future");
    assertThat(idx.first("198.51.100.9", NOW + 1000, s)).as("valid_until is exclusive").isNull();
    assertThat(idx.first("198.51.101.1", NOW, s)).isNull();
    assertThat(idx.first("not an address", NOW, s)).isNull();
  }

  private static int countAll(List<Ref> all, Ip.Block ip) {
    int n = 0;
    for (Ref ref : all) {
      if (contains(ref.block(), ip)) {
        n++;
      }
    }
    return n;
  }

  private static Ip.Block randomBlock(Random r, List<Ref> existing) {
    if (!existing.isEmpty() && r.nextInt(5) == 0) {
      // nested in, or equal to, an existing block
      Ip.Block outer = existing.get(r.nextInt(existing.size())).block();
      int max = outer.v6() ? 128 : 32;
      int len = outer.prefix() + r.nextInt(max - outer.prefix() + 1);
      Ip.Block inside = inside(r, outer);
      return mask(inside, len);
    }
    boolean v6 = r.nextInt(3) == 0;
    int len = v6 ? (r.nextBoolean() ? 128 : 16 + r.nextInt(113)) : (r.nextBoolean() ? 32 : 8 + r.nextInt(25));
    Ip.Block a = v6 ? new Ip.Block(true, r.nextLong() & 0x00ff_ffff_ffff_ffffL | 0x2000_0000_0000_0000L, r.nextLong(), 128)
        : new Ip.Block(false, 0, r.nextLong() & 0xffffffffL, 32);
    return mask(a, len);
  }

  private static Ip.Block randomAddress(Random r, List<Ref> existing) {
    if (!existing.isEmpty() && r.nextInt(3) > 0) {
      return inside(r, existing.get(r.nextInt(existing.size())).block());
    }
    return r.nextInt(3) == 0 ? new Ip.Block(true, r.nextLong() & 0x00ff_ffff_ffff_ffffL | 0x2000_0000_0000_0000L,
        r.nextLong(), 128) : new Ip.Block(false, 0, r.nextLong() & 0xffffffffL, 32);
  }

  /** A random address inside {@code b}. */
  private static Ip.Block inside(Random r, Ip.Block b) {
    if (!b.v6()) {
      long host = r.nextLong() & ~Ip.maskV4(b.prefix()) & 0xffffffffL;
      return new Ip.Block(false, 0, b.lo() | host, 32);
    }
    long hi = b.hi() | (r.nextLong() & ~Ip.maskHi(b.prefix()));
    long lo = b.lo() | (r.nextLong() & ~Ip.maskLo(b.prefix()));
    return new Ip.Block(true, hi, lo, 128);
  }

  private static Ip.Block mask(Ip.Block a, int len) {
    return a.v6() ? new Ip.Block(true, a.hi() & Ip.maskHi(len), a.lo() & Ip.maskLo(len), len)
        : new Ip.Block(false, 0, a.lo() & Ip.maskV4(len), len);
  }

  /** The reference: network arithmetic on BigIntegers, nothing shared with the index. */
  private static boolean contains(Ip.Block net, Ip.Block ip) {
    if (net.v6() != ip.v6()) {
      return false;
    }
    int bits = net.v6() ? 128 : 32;
    BigInteger n = big(net);
    BigInteger a = big(ip);
    BigInteger size = BigInteger.ONE.shiftLeft(bits - net.prefix());
    return a.compareTo(n) >= 0 && a.compareTo(n.add(size)) < 0;
  }

  private static BigInteger big(Ip.Block b) {
    if (!b.v6()) {
      return BigInteger.valueOf(b.lo());
    }
    return new BigInteger(1, java.nio.ByteBuffer.allocate(16).putLong(b.hi()).putLong(b.lo()).array());
  }
}
