package io.phosor.intel;

import java.util.List;

/**
 * Addresses that are never sent to a remote service: private, loopback, link-local, shared (CGNAT),
 * documentation, benchmarking, multicast and other reserved ranges of the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890) that are not globally reachable. Asking about them would tell a third party
 * about the internal network and could not return anything useful.
 */
final class SpecialAddresses {
  private static final List<Ip.Block> RANGES = List.of(
      b("0.0.0.0/8"), b("10.0.0.0/8"), b("100.64.0.0/10"), b("127.0.0.0/8"), b("169.254.0.0/16"),
      b("172.16.0.0/12"), b("192.0.0.0/24"), b("192.0.2.0/24"), b("192.88.99.0/24"), b("192.168.0.0/16"),
      b("198.18.0.0/15"), b("198.51.100.0/24"), b("203.0.113.0/24"), b("224.0.0.0/4"), b("240.0.0.0/4"),
      b("::/128"), b("::1/128"), b("64:ff9b:1::/48"), b("100::/64"), b("2001::/23"), b("2001:db8::/32"),
      b("2002::/16"), b("3fff::/20"), b("5f00::/16"), b("fc00::/7"), b("fe80::/10"), b("fec0::/10"), b("ff00::/8"));

  private SpecialAddresses() {}

  private static Ip.Block b(String cidr) {
    return Ip.parseBlock(cidr);
  }

  /** Whether {@code ip} may be sent to a remote reputation service (a public, globally reachable address). */
  static boolean isPublic(Ip.Block ip) {
    for (Ip.Block r : RANGES) {
      if (r.v6() != ip.v6()) {
        continue;
      }
      if (!r.v6()) {
        if ((ip.lo() & Ip.maskV4(r.prefix())) == r.lo()) {
          return false;
        }
      } else if ((ip.hi() & Ip.maskHi(r.prefix())) == r.hi() && (ip.lo() & Ip.maskLo(r.prefix())) == r.lo()) {
        return false;
      }
    }
    return true;
  }
}
