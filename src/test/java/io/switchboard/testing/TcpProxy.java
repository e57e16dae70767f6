package io.switchboard.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder standing between nodes and a server (Redis, Postgres), so that a test can cut the
 * link ({@link #cut()}: every connection dropped, new ones refused) and restore it without touching
 * the server itself. The target is a URL of any scheme ({@code redis://host:port},
 * {@code postgresql://user@host:port/db}); only its host and port matter. Its one {@link NetClient}
 * stays referenced while the proxy runs: Vert.x closes a client that becomes garbage, and with it
 * every connection it opened, which would look like the server dropping them at a garbage collection.
 */
public final class TcpProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final NetClient client = vertx.createNetClient();
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private final NetServer server;

  public TcpProxy(String targetUrl) throws Exception {
    URI uri = URI.create(targetUrl);
    targetHost = uri.getHost();
    targetPort = uri.getPort() < 0 ? defaultPort(uri.getScheme()) : uri.getPort();
    server = vertx.createNetServer().connectHandler(this::accept).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  private void accept(NetSocket in) {
    if (cut) {
      in.close();
      return;
    }
    in.pause();
    client.connect(targetPort, targetHost).onSuccess(out -> {
      open.add(in);
      open.add(out);
      in.handler(out::write);
      out.handler(in::write);
      in.closeHandler(v -> {
        open.remove(in);
        out.close();
      });
      out.closeHandler(v -> {
        open.remove(out);
        in.close();
      });
      in.resume();
    }).onFailure(e -> in.close());
  }

  private static int defaultPort(String scheme) {
    return switch (String.valueOf(scheme)) {
      case "postgresql", "postgres" -> 5432;
      case "redis", "rediss" -> 6379;
      default -> throw new IllegalArgumentException("no port in the target URL and no default for " + scheme);
    };
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return server.actualPort();
  }

  /** A Redis URL of the proxy. */
  public String url() {
    return "redis://" + host() + ":" + port();
  }

  /**
   * {@code url} (a Postgres or Redis URL, with its user, password, path and query) pointed at this
   * proxy instead of its own host and port.
   */
  public String through(String url) {
    URI u = URI.create(url);
    String auth = u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@";
    return u.getScheme() + "://" + auth + host() + ":" + port() + (u.getRawPath() == null ? "" : u.getRawPath())
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  /** Drops every connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
  }

  public void restore() {
    cut = false;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
