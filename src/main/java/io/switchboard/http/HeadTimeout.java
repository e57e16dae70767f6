package io.switchboard.http;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request head has not fully arrived {@code http.headerTimeoutSeconds}
 * after the connection opened, or after the previous response ended on a keep-alive connection. A
 * slowloris client that trickles one header byte every few seconds is never idle, so the idle
 * timeout alone would keep it forever; Vert.x 5.0 has no option for this. So each connection gets a
 * timer: armed by the server's connection handler, cancelled by this handler (the router's first)
 * when a request head arrives, armed again when that request's response ends. A connection that
 * becomes a WebSocket is left to its pings and the idle timeout. The server of one verticle instance
 * calls all of these on its own event loop, so nothing here needs a lock. Counts closures as
 * {@code switchboard_http_header_timeouts_total}.
 */
final class HeadTimeout implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(HeadTimeout.class);

  private final Vertx vertx;
  private final long timeoutMillis;
  private final Counter closed;
  /** Connections waiting for a request head, or serving one after which they will wait again. */
  private final Map<HttpConnection, Watch> watches = new HashMap<>();

  private static final class Watch {
    long timer = -1;
    /** Identifies the request being served (not the request itself: an upgraded connection keeps its watch). */
    Object request;
    boolean closed;
  }

  HeadTimeout(Vertx vertx, long timeoutMillis, Counter closed) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
    this.closed = closed;
  }

  /** The server's connection handler: the clock starts when the connection opens. */
  void opened(HttpConnection conn) {
    Watch w = new Watch();
    watches.put(conn, w);
    conn.closeHandler(v -> {
      w.closed = true;
      cancel(w);
      watches.remove(conn);
    });
    arm(conn, w);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection conn = request.connection();
    Watch w = watches.get(conn);
    if (w != null) {
      cancel(w);
      Object current = new Object();
      w.request = current;
      boolean h2 = request.version() == HttpVersion.HTTP_2; // streams overlap (never the case while h2c is off)
      if (h2 || "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
        watches.remove(conn); // a WebSocket is watched by its pings and the idle timeout
      }
      if (!h2) {
        ctx.addEndHandler(ar -> {
          // a failure means the connection closed, a 101 that it became a WebSocket; a newer pipelined request rearms itself
          if (ar.succeeded() && ctx.response().getStatusCode() != 101 && w.request == current && !w.closed) {
            watches.put(conn, w);
            arm(conn, w);
          }
        });
      }
    }
    ctx.next();
  }

  private void arm(HttpConnection conn, Watch w) {
    cancel(w);
    w.timer = vertx.setTimer(timeoutMillis, id -> {
      w.timer = -1;
      watches.remove(conn);
      if (!w.closed) {
        closed.increment();
        log.atDebug().addKeyValue("remote", conn.remoteAddress()).log("closing a connection whose request head did not arrive in time");
        conn.close();
      }
    });
  }

  private void cancel(Watch w) {
    if (w.timer >= 0) {
      vertx.cancelTimer(w.timer);
      w.timer = -1;
    }
  }
}
