package io.switchboard.net;

import io.netty.util.NetUtil;

/**
 * IP address literals as bytes: 4 for IPv4 (and IPv4-mapped IPv6, {@code ::ffff:a.b.c.d}, which is
 * the same host), 16 for other IPv6. Parsing never looks anything up: text that is not a literal is
 * answered with null.
 */
public final class IpAddresses {

  private IpAddresses() {
  }

  /** The bytes of an IPv4 or IPv6 literal (brackets allowed around IPv6), or null. */
  public static byte[] parse(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']') {
      s = s.substring(1, s.length() - 1);
    }
    if (!NetUtil.isValidIpV4Address(s) && !NetUtil.isValidIpV6Address(s)) {
      return null;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
    return bytes == null ? null : normalize(bytes);
  }

  /** An IPv4-mapped IPv6 address as its 4 IPv4 bytes; anything else unchanged. */
  public static byte[] normalize(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return new byte[] {address[12], address[13], address[14], address[15]};
  }

  /** The usual text form (dotted quad, or compressed IPv6). */
  public static String format(byte[] address) {
    return NetUtil.bytesToIpAddress(address);
  }
}
