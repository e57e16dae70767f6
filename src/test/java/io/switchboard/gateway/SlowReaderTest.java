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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that never reads is closed (1013) once its outbound queue passes the bound, instead of the
 * server buffering without limit; the other sockets and the node carry on.
 */
class SlowReaderTest {

  static final int MAX_MESSAGES = 4_000;

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "100000", "SWITCHBOARD_RATE_PER_SECOND", "100000",
        "SWITCHBOARD_WS_FRAME_BURST", "100000", "SWITCHBOARD_WS_FRAMES_PER_SECOND", "100000",
        "SWITCHBOARD_WS_OUTBOX_BYTES", "16384"));
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
  void slowReaderIsClosedAndTheServerStaysHealthy() throws Exception {
    Account talker = Accounts.signUp(http, "talker");
    Account sloth = Accounts.signUp(http, "sloth");
    String id = http.post("/api/conversations", new JsonObject().put("kind", "group").put("participants", new JsonArray().add(sloth.id())),
        talker.token()).json().getString("id");

    ChatClient observer = ChatClient.connect(client, node.port(), id, talker.token(), null);
    observer.next("welcome");
    RawWebSocket slow = RawWebSocket.open(node.port(), "/ws/chat/" + id + "?token=" + sloth.token(), 4096);
    observer.next(f -> "presence".equals(f.getString("type")) && sloth.id().equals(f.getString("userId")) && f.getBoolean("online"), "sloth online");

    AtomicBoolean slothGone = new AtomicBoolean();
    AtomicInteger sent = new AtomicInteger();
    String text = "x".repeat(4000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<java.util.concurrent.Future<?>> lanes = new ArrayList<>();
    for (int lane = 0; lane < 8; lane++) {
      lanes.add(pool.submit(() -> {
        while (!slothGone.get() && sent.incrementAndGet() <= MAX_MESSAGES) {
          Http.Response r = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", text), talker.token());
          assertThat(r.status()).as(r.toString()).isEqualTo(201);
        }
      }));
    }
    try {
      JsonObject offline = observer.next(f -> "presence".equals(f.getString("type")) && sloth.id().equals(f.getString("userId"))
          && !f.getBoolean("online"), "sloth offline");
      assertThat(offline).isNotNull();
      slothGone.set(true);
      for (var lane : lanes) {
        lane.get(60, TimeUnit.SECONDS);
      }
    } finally {
      slothGone.set(true);
      pool.shutdownNow();
    }
    assertThat(sent.get()).isLessThan(MAX_MESSAGES);

    // the never-reading client finds the close frame 1013 behind what was queued, or a dropped connection
    int code = slow.readUntilClosed(30_000);
    assertThat(code).isIn(1013, -1);
    slow.close();

    assertThat(http.get("/health/ready").status()).isEqualTo(200);
    Http.Response after = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "after"), talker.token());
    assertThat(after.status()).isEqualTo(201);
    long seq = after.json().getLong("seq");
    observer.next(f -> "message".equals(f.getString("type")) && f.getJsonObject("message").getLong("seq") == seq, "message after");
    observer.close();
  }
}
