package io.switchboard.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ceiling reference: a bare Vert.x WebSocket broadcast server with no JSON, no persistence and no
 * Redis. {@code /ws/chat/<room>} joins a room; every text frame received is written as it is to every
 * socket of the room, the sender's included. {@code /websocket} answers the text frame {@code heartbeat}
 * with {@code heartbeat confirm} (the modules scenario). Any other request answers 200 (readiness). One HTTP
 * server instance per event loop, as Switchboard deploys its HTTP verticle.
 */
public final class CeilingServer extends VerticleBase {

  private static final Map<String, List<ServerWebSocket>> ROOMS = new ConcurrentHashMap<>();
  private final int port;

  CeilingServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    vertx.deployVerticle(() -> new CeilingServer(port), new DeploymentOptions().setInstances(instances))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        })
        .onSuccess(id -> System.out.println("ceiling server on port " + port + " with " + instances + " instances"));
  }

  @Override
  public Future<?> start() {
    return listen(vertx, port, this::socket);
  }

  /** The reference servers' listener: WebSockets to {@code sockets}, any other request answered 200 (readiness). */
  static Future<HttpServer> listen(Vertx vertx, int port, Handler<ServerWebSocket> sockets) {
    return vertx.createHttpServer()
        .webSocketHandler(sockets)
        .requestHandler(req -> req.response().end("ok"))
        .listen(port, "127.0.0.1");
  }

  private void socket(ServerWebSocket ws) {
    String path = ws.path();
    if (path.equals("/websocket")) {
      // the modules scenario's reference: a module heartbeat answered, nothing else
      ws.textMessageHandler(text -> {
        if ("heartbeat".equals(text)) {
          ws.writeTextMessage("heartbeat confirm");
        }
      });
      return;
    }
    if (!path.startsWith("/ws/chat/")) {
      ws.close((short) 1008, "unknown path");
      return;
    }
    List<ServerWebSocket> room = ROOMS.computeIfAbsent(path.substring("/ws/chat/".length()), k -> new CopyOnWriteArrayList<>());
    room.add(ws);
    ws.closeHandler(v -> room.remove(ws));
    ws.textMessageHandler(text -> {
      for (ServerWebSocket peer : room) {
        peer.writeTextMessage(text);
      }
    });
  }
}
