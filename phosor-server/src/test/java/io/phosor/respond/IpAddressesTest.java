package io.phosor.respond;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IP literals: normalised, never looked up, matched against CIDR ranges. */
class IpAddressesTest {
  @Test
  void addressesAreNormalised() {
    assertThat(IpAddresses.normalize(" 203.0.113.7 ")).isEqualTo("203.0.113.7");
    assertThat(IpAddresses.normalize("2001:DB8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
    assertThat(IpAddresses.normalize("2001:db8:0:0:1:0:0:1")).as("the first of two equal runs")
        .isEqualTo("2001:db8::1:0:0:1");
    assertThat(IpAddresses.normalize("2001:db8:0:1:1:1:1:1")).as("one zero word stays").isEqualTo("2001:db8:0:1:1:1:1:1");
    assertThat(IpAddresses.normalize("::")).isEqualTo("::");
    assertThat(IpAddresses.normalize("::1")).isEqualTo("::1");
    assertThat(IpAddresses.normalize("::ffff:198.51.100.2")).as("IPv4-mapped").isEqualTo("198.51.100.2");
  }

  @Test
  void anythingButALiteralIsRefusedWithoutALookUp() {
    for (String bad : List.of("1.2.3.4;rm -rf /", "example.com", "localhost", "01.2.3.4", "256.1.1.1", "1.2.3",
        "fe80::1%eth0", "1.2.3.4 5.6.7.8", "", "$(id)", "::g", "1:2:3:4:5:6:7:8:9")) {
      assertThat(IpAddresses.normalize(bad)).as(bad).isNull();
    }
    assertThat(IpAddresses.normalize(null)).isNull();
  }

  @Test
  void rangesContainTheirAddressesOnly() {
    List<IpAddresses.Range> allow = List.of(IpAddresses.range("10.0.0.0/8"), IpAddresses.range("192.168.1.0/25"),
        IpAddresses.range("2001:db8::/32"), IpAddresses.range("203.0.113.9"));
    assertThat(IpAddresses.inAny(IpAddresses.parse("10.200.3.4"), allow)).isTrue();
    assertThat(IpAddresses.inAny(IpAddresses.parse("192.168.1.127"), allow)).isTrue();
    assertThat(IpAddresses.inAny(IpAddresses.parse("192.168.1.128"), allow)).isFalse();
    assertThat(IpAddresses.inAny(IpAddresses.parse("2001:db8:ffff::1"), allow)).isTrue();
    assertThat(IpAddresses.inAny(IpAddresses.parse("2001:db9::1"), allow)).isFalse();
    assertThat(IpAddresses.inAny(IpAddresses.parse("203.0.113.9"), allow)).isTrue();
    assertThat(IpAddresses.inAny(IpAddresses.parse("203.0.113.10"), allow)).isFalse();
    assertThat(IpAddresses.inAny(IpAddresses.parse("11.0.0.1"), allow)).isFalse();
    assertThatThrownBy(() -> IpAddresses.range("10.0.0.0/33")).hasMessageContaining("bad prefix length");
  }
}
