package io.switchboard.jobs.builtin;

import io.switchboard.net.IpAddresses;
import io.switchboard.net.NonPublicAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a webhook may be delivered. The host of {@code payload.url} is resolved (IP literals as they
 * are; names through the system resolver on a worker thread, since {@link InetAddress} blocks), and
 * unless {@code jobs.webhookAllowPrivate} is set every address it resolves to must be a public one
 * ({@link NonPublicAddresses}); {@code localhost} and {@code *.localhost} are loopback by name. The
 * delivery then connects to the very address that was checked, so a name that resolves elsewhere by
 * the time the request goes out (DNS rebinding) cannot reach an internal host.
 */
public final class WebhookAddress {

  /** A checked destination: the URL's host, port and request URI, and the address to connect to. */
  public record Target(String host, int port, boolean https, String requestUri, String address) {
  }

  /** The URL may not be used; the message says why, without a stack trace. */
  public static final class Refused extends RuntimeException {

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private static final String HINT = "webhooks go only to public addresses unless SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE is true";

  private final Vertx vertx;
  private final boolean allowPrivate;

  public WebhookAddress(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** At enqueue: fails with {@link Refused} when the URL's host is, or resolves to, a non-public address (when that is refused). */
  public Future<Void> admissible(String url) {
    return allowPrivate ? Future.succeededFuture() : check(url).mapEmpty();
  }

  /** Resolves and checks an http(s) URL that {@link WebhookJob#invalid} accepted; fails with {@link Refused}. */
  public Future<Target> check(String url) {
    URI uri = URI.create(url);
    boolean https = "https".equals(uri.getScheme());
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String requestUri = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    String name = bare.toLowerCase(Locale.ROOT);
    if (!allowPrivate && (name.equals("localhost") || name.endsWith(".localhost") || name.equals("localhost."))) {
      return Future.failedFuture(new Refused(host + " is a loopback name; " + HINT));
    }
    byte[] literal = IpAddresses.parse(bare);
    Future<List<byte[]>> addresses = literal != null ? Future.succeededFuture(List.of(literal)) : resolve(bare);
    return addresses.compose(list -> {
      for (byte[] a : list) {
        String kind = allowPrivate ? null : NonPublicAddresses.kind(a);
        if (kind != null) {
          String shown = IpAddresses.format(a);
          return Future.failedFuture(new Refused(
              (shown.equals(bare) ? shown : host + " resolves to " + shown + ", which") + " is a " + kind + " address; " + HINT));
        }
      }
      return Future.succeededFuture(new Target(bare, port, https, requestUri, IpAddresses.format(list.get(0))));
    });
  }

  private Future<List<byte[]>> resolve(String name) {
    return vertx.executeBlocking(() -> {
      List<byte[]> out = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(name)) {
        out.add(IpAddresses.normalize(a.getAddress()));
      }
      return out;
    }, false).recover(e -> Future.failedFuture(new Refused(e instanceof UnknownHostException
        ? name + " does not resolve" : "resolving " + name + " failed")));
  }
}
