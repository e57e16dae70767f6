package io.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Http;
import io.switchboard.testing.RawWebSocket;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server pings silent sockets and closes those that do not answer (pings every second here). */
class IdleSocketTest {

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_WS_PING_SECONDS", "1"));
    http = node.http();
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  @Test
  void unansweredPingsCloseTheSocketWhileAnsweringClientsStay() throws Exception {
    Account ann = Accounts.signUp(http, "idle");
    String id = http.post("/api/conversations", new JsonObject().put("kind", "group"), ann.token()).json().getString("id");
    try (ChatClient answering = ChatClient.connect(client, node.port(), id, ann.token(), null);
        RawWebSocket silent = RawWebSocket.open(node.port(), "/ws/chat/" + id + "?token=" + ann.token(), 65536)) {
      answering.next("welcome");
      boolean pinged = false;
      int code;
      while (true) {
        RawWebSocket.Frame f = silent.read();
        if (f == null) {
          code = -1;
          break;
        }
        pinged |= f.opcode() == RawWebSocket.OP_PING;
        if (f.opcode() == RawWebSocket.OP_CLOSE) {
          code = f.closeCode();
          break;
        }
      }
      assertThat(pinged).isTrue();
      assertThat(code).isEqualTo(1001);
      // the Vert.x client answers pings by itself and is still open
      answering.send(new JsonObject().put("type", "ping"));
      answering.next("pong");
      assertThat(answering.isClosed()).isFalse();
    }
  }
}
