package io.switchboard.http;

import io.switchboard.net.Cidr;
import io.switchboard.net.IpAddresses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Who is calling: the connection's remote address, unless that address is one of the trusted
 * proxies ({@code http.trustedProxies}, parsed once when the router is built). Then
 * {@code X-Forwarded-For} is walked from the right, skipping trusted proxies, and the first address
 * that is not one is the client: entries further left were written by whoever sent the request and
 * prove nothing. An entry that is not an IP address ends the walk at the last trusted hop. The answer
 * is put on each request under {@link #KEY} ({@link Api#clientIp}).
 */
final class ClientAddress implements Handler<RoutingContext> {

  static final String KEY = "clientIp";
  private static final String FORWARDED_FOR = "X-Forwarded-For";

  private final List<Cidr> trusted;

  ClientAddress(List<String> trustedProxies) {
    this.trusted = trustedProxies == null ? List.of() : trustedProxies.stream().map(Cidr::parse).toList();
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(KEY, of(ctx.request()));
    ctx.next();
  }

  String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? null : remote.hostAddress();
    byte[] hop = IpAddresses.parse(peer);
    if (hop == null || !isTrusted(hop)) {
      return hop == null ? peer : IpAddresses.format(hop);
    }
    List<String> headers = request.headers().getAll(FORWARDED_FOR);
    for (int h = headers.size() - 1; h >= 0; h--) {
      String[] entries = headers.get(h).split(",");
      for (int i = entries.length - 1; i >= 0; i--) {
        byte[] entry = parseEntry(entries[i]);
        if (entry == null) {
          return IpAddresses.format(hop);
        }
        hop = entry;
        if (!isTrusted(hop)) {
          return IpAddresses.format(hop);
        }
      }
    }
    // every hop was a trusted proxy: the leftmost is as close to the client as we can tell
    return IpAddresses.format(hop);
  }

  private boolean isTrusted(byte[] address) {
    for (Cidr range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 203.0.113.9}, {@code 2001:db8::1}, {@code [2001:db8::1]:4711} or {@code 203.0.113.9:4711}. */
  private static byte[] parseEntry(String raw) {
    String s = raw.trim();
    byte[] plain = IpAddresses.parse(s);
    if (plain != null) {
      return plain;
    }
    if (s.startsWith("[") && s.indexOf("]:") > 0) {
      return IpAddresses.parse(s.substring(0, s.indexOf("]:") + 1));
    }
    int colon = s.indexOf(':');
    if (colon > 0 && colon == s.lastIndexOf(':')) {
      return IpAddresses.parse(s.substring(0, colon));
    }
    return null;
  }
}
