package io.switchboard.net;

/**
 * A range of IP addresses in CIDR form ({@code 10.0.0.0/8}, {@code fc00::/7}); a bare address is a
 * range of one. IPv4 ranges also hold the IPv4-mapped IPv6 forms of their addresses.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses {@code address} or {@code address/prefix}; throws IllegalArgumentException saying what is wrong. */
  public static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    byte[] address = IpAddresses.parse(slash < 0 ? s : s.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("not an IP address or CIDR range: " + s);
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in " + s);
      }
      boolean mapped = address.length == 4 && s.indexOf(':') >= 0;
      if (mapped) {
        prefix -= 96; // ::ffff:10.0.0.0/104 is 10.0.0.0/8
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("prefix length of " + s + " must be between 0 and " + (mapped ? 128 : bits));
      }
    }
    return new Cidr(address, prefix, s);
  }

  /** Whether {@code address} (4 or 16 bytes, as {@link IpAddresses#parse} gives) lies in this range. */
  public boolean contains(byte[] address) {
    byte[] a = IpAddresses.normalize(address);
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
