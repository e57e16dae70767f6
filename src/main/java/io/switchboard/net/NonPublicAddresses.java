package io.switchboard.net;

import java.util.List;

/**
 * The addresses that are not public unicast Internet hosts: loopback, private (RFC 1918, IPv6
 * unique-local), link-local, unspecified, shared (carrier-grade NAT), documentation, benchmarking,
 * multicast and reserved ranges (IANA special-purpose registries). IPv6 outside 2000::/3 is reserved;
 * IPv6 forms that carry an IPv4 address (mapped, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by
 * that IPv4 address.
 */
public final class NonPublicAddresses {

  private record Range(Cidr cidr, String kind) {
  }

  private static final List<Range> RANGES = List.of(
      range("0.0.0.0/8", "unspecified"),
      range("10.0.0.0/8", "private"),
      range("100.64.0.0/10", "shared (carrier-grade NAT)"),
      range("127.0.0.0/8", "loopback"),
      range("169.254.0.0/16", "link-local"),
      range("172.16.0.0/12", "private"),
      range("192.0.0.0/24", "reserved"),
      range("192.0.2.0/24", "documentation"),
      range("192.88.99.0/24", "reserved"),
      range("192.168.0.0/16", "private"),
      range("198.18.0.0/15", "benchmarking"),
      range("198.51.100.0/24", "documentation"),
      range("203.0.113.0/24", "documentation"),
      range("224.0.0.0/4", "multicast"),
      range("240.0.0.0/4", "reserved"),
      range("::/128", "unspecified"),
      range("::1/128", "loopback"),
      range("64:ff9b:1::/48", "private"),
      range("100::/64", "reserved"),
      range("2001::/23", "reserved"),
      range("2001:db8::/32", "documentation"),
      range("3fff::/20", "documentation"),
      range("fc00::/7", "private (unique local)"),
      range("fe80::/10", "link-local"),
      range("fec0::/10", "private (site-local)"),
      range("ff00::/8", "multicast"));
  private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");
  private static final Cidr GLOBAL_UNICAST = Cidr.parse("2000::/3");

  private NonPublicAddresses() {
  }

  private static Range range(String cidr, String kind) {
    return new Range(Cidr.parse(cidr), kind);
  }

  /** What kind of non-public address {@code address} is ("loopback", "private", …), or null for a public one. */
  public static String kind(byte[] address) {
    byte[] a = IpAddresses.normalize(address);
    for (Range r : RANGES) {
      if (r.cidr().contains(a)) {
        return r.kind();
      }
    }
    if (a.length == 4) {
      return null;
    }
    if (NAT64.contains(a)) {
      return kind(new byte[] {a[12], a[13], a[14], a[15]});
    }
    if (SIX_TO_FOUR.contains(a)) {
      return kind(new byte[] {a[2], a[3], a[4], a[5]});
    }
    return GLOBAL_UNICAST.contains(a) ? null : "reserved";
  }
}
