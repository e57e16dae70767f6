package io.switchboard.gateway.session;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back what Vert.x 5.0 keeps per upgraded socket for nothing: about 7.5 KB of the 14 KB of live
 * heap an idle chat socket took (measured at 19,000 idle sockets, JDK 17):
 *
 * <ul>
 *   <li>The socket's connection is always made with the cross-thread write queue, whatever
 *   {@code HttpServerOptions.setStrictThreadMode}: a JCTools MPSC queue whose first chunk is an
 *   {@code Object[1025]} (about 4.1 KB; {@code PlatformDependent.newMpscQueue()}, chunk size fixed at
 *   1024). Every write of a socket here is made on its connection's event loop (as for the HTTP
 *   connections, which run in strict thread mode), so the connection gets Vert.x's own direct queue
 *   instead, the one of strict thread mode: writes go straight to the channel, Netty's outbound buffer
 *   holds what the peer has not read, and {@code writeQueueFull} answers from the channel's
 *   writability as before.</li>
 *   <li>The socket's channel handler keeps the function that made its connection, which holds the
 *   handshake, hence the upgrade request, its response and headers, and the HTTP connection; it is
 *   never called again once the handler was added.</li>
 * </ul>
 *
 * These are private fields of Vert.x: should they be missing (another Vert.x version) the socket is
 * left as it is, and that is logged once.
 */
final class LeanConnection {

  private static final Logger log = LoggerFactory.getLogger(LeanConnection.class);

  private static final Field QUEUE;
  private static final Constructor<?> DIRECT_QUEUE;
  private static final Field FACTORY;

  static {
    Field queue = null;
    Constructor<?> direct = null;
    Field factory = null;
    try {
      queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      queue.setAccessible(true);
      direct = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue").getDeclaredConstructor(VertxConnection.class);
      direct.setAccessible(true);
      factory = VertxHandler.class.getDeclaredField("connectionFactory");
      factory.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.atInfo().setCause(e).log("this Vert.x keeps its per-socket write queue and upgrade request: sockets take more memory");
      queue = null;
      direct = null;
      factory = null;
    }
    QUEUE = queue;
    DIRECT_QUEUE = direct;
    FACTORY = factory;
  }

  private LeanConnection() {
  }

  /**
   * Called on the socket's event loop right after {@code request} was upgraded, before anything is
   * written to the socket. (The socket itself may be a wrapper of the router's: the connection's
   * channel is found through the request's HTTP connection, whose pipeline now ends in the socket's.)
   */
  static void trim(HttpServerRequest request) {
    if (QUEUE == null || !(request.connection() instanceof ConnectionBase http)) {
      return;
    }
    ChannelPipeline pipeline = http.channel().pipeline();
    if (!http.channel().eventLoop().inEventLoop() || !(pipeline.get(VertxHandler.class) instanceof VertxHandler<?> handler)) {
      return;
    }
    VertxConnection socket = handler.getConnection();
    if (socket == null || socket == http) {
      return;
    }
    try {
      QUEUE.set(socket, DIRECT_QUEUE.newInstance(socket));
      FACTORY.set(handler, null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.atDebug().setCause(e).log("could not trim a socket's connection");
    }
  }
}
