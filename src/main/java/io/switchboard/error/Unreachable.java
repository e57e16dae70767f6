package io.switchboard.error;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/**
 * Failures that mean Postgres could not be reached or went away in the middle of a statement (the
 * server stopped, the network was cut, the server is starting or shutting down). They are an outage,
 * not a bug: the requester gets 503 {@code unavailable} and may retry (a send with the same
 * {@code clientMsgId} is stored once), never a 500.
 */
public final class Unreachable {

  private Unreachable() {
  }

  public static boolean database(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // refused, reset (also while connecting), closed, timed out connecting: the socket to the server failed
      if (t instanceof ClosedConnectionException || t instanceof java.net.SocketException
          || t instanceof ClosedChannelException || t instanceof ConnectTimeoutException) {
        return true;
      }
      if (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().startsWith("Connection reset")) {
        return true;
      }
      // SQLSTATE class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P0"))) {
        return true;
      }
      if (t instanceof VertxException && "Connection closed".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
