package io.phosor.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpAddressesTest {
  @Test
  void dottedQuadsAndIpv6LiteralsParse() throws Exception {
    assertThat(IpAddresses.parse("203.0.113.7")).isEqualTo(InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 7}));
    assertThat(IpAddresses.parse("0.0.0.0")).isNotNull();
    assertThat(IpAddresses.parse("255.255.255.255")).isNotNull();
    assertThat(IpAddresses.parse("2001:db8::5").getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:5");
    assertThat(IpAddresses.parse("::1")).isNotNull();
    assertThat(IpAddresses.parse("::ffff:10.0.0.1")).isNotNull();
  }

  @Test
  void namesAndMalformedAddressesAreNotAddressesAndAreNeverResolved() {
    for (String s : new String[] {"localhost", "example.com", "999.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.",
        "1.2.3.1234", "-1.2.3.4", "2001:db8::zz", "fe80::1%eth0", ":::", "", "abc:def:ghi"}) {
      assertThat(IpAddresses.parse(s)).as(s).isNull();
    }
  }
}
