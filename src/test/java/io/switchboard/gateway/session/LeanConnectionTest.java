package io.switchboard.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.reflect.Field;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fields {@link LeanConnection} changes exist in this Vert.x, the change happens, and the socket
 * still talks both ways (and closes) afterwards. Fails when a Vert.x upgrade renames them.
 */
class LeanConnectionTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void upgradedSocketGetsTheDirectQueueAndDropsItsFactory() throws Exception {
    CompletableFuture<Object[]> trimmed = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1"))
        .requestHandler(request -> request.toWebSocket().onSuccess(ws -> {
          LeanConnection.trim(request);
          VertxHandler<?> handler = ((ConnectionBase) request.connection()).channel().pipeline().get(VertxHandler.class);
          try {
            trimmed.complete(new Object[] {field(VertxConnection.class, "outboundMessageQueue").get(handler.getConnection()),
                field(VertxHandler.class, "connectionFactory").get(handler)});
          } catch (ReflectiveOperationException e) {
            trimmed.completeExceptionally(e);
          }
          echo(ws);
        }))
        .listen().await(10, TimeUnit.SECONDS);
    WebSocketClient client = vertx.createWebSocketClient();
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    client.webSocket()
        .textMessageHandler(answer::complete)
        .closeHandler(v -> closed.complete((short) 0))
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort()).setURI("/"))
        .compose(ws -> ws.writeTextMessage("hello"))
        .await(10, TimeUnit.SECONDS);

    Object[] state = trimmed.get(10, TimeUnit.SECONDS);
    assertThat(state[0].getClass().getSimpleName()).isEqualTo("DirectOutboundMessageQueue");
    assertThat(state[1]).isNull();
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("echo hello");
    closed.get(10, TimeUnit.SECONDS);
  }

  private static void echo(ServerWebSocket ws) {
    ws.textMessageHandler(text -> ws.writeTextMessage("echo " + text).compose(v -> ws.close()));
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
