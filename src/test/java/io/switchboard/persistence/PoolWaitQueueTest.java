package io.switchboard.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.Http.Call;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Postgres pool's wait queue is bounded (SWITCHBOARD_PG_MAX_WAIT_QUEUE): past it a request is
 * answered 503 unavailable at once, over HTTP and as an error frame on sockets, never 500.
 */
class PoolWaitQueueTest {

  static final int BURST = 200;
  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    // one connection, one waiter; the timed jobs poll rarely, so the burst below owns the pool
    node = TestNode.start(Map.of("SWITCHBOARD_PG_POOL_SIZE", "1", "SWITCHBOARD_PG_MAX_WAIT_QUEUE", "1",
        "SWITCHBOARD_JOBS_POLL_MILLIS", "60000", "SWITCHBOARD_RATE_BURST", "1000"));
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
  void aFullWaitQueueIs503UnavailableAndTheNodeRecovers() {
    Account ann = Accounts.signUp(http, "pool-ann");
    String conversation = Conversations.group(http, ann);
    assertThat(http.get("/api/conversations", ann.token()).status()).isEqualTo(200);

    List<JsonObject> frames = new ArrayList<>();
    List<Http.Response> answers;
    try (ChatClient socket = ChatClient.connect(client, node.port(), conversation, ann.token(), null)) {
      socket.next("welcome");
      for (int i = 0; i < 10; i++) {
        socket.send(new JsonObject().put("type", "send").put("text", "during the burst " + i).put("clientMsgId", "b" + i));
      }
      // every one of these reads the caller's conversations from Postgres
      answers = http.concurrently(Collections.nCopies(BURST, Call.get("/api/conversations", ann.token())));
      for (int i = 0; i < 10; i++) {
        frames.add(socket.next(f -> "ack".equals(f.getString("type")) || "error".equals(f.getString("type")), "ack or error"));
      }
    }

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(200, 503));
    List<Http.Response> refused = answers.stream().filter(r -> r.status() == 503).toList();
    assertThat(refused).as("a burst of %d requests on one connection with one waiter", BURST).isNotEmpty();
    assertThat(refused).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo("unavailable"));
    assertThat(answers.stream().filter(r -> r.status() == 200).count()).isPositive();
    // a socket send refused by the full pool is an unavailable error frame, never an internal one
    assertThat(frames).allSatisfy(f -> {
      if ("error".equals(f.getString("type"))) {
        assertThat(f.getString("code")).as(f.encode()).isEqualTo("unavailable");
      }
    });

    Wait.until(Duration.ofSeconds(10), "the node to answer normally", () -> http.get("/api/conversations", ann.token()).status() == 200);
    assertThat(http.post("/api/conversations/" + conversation + "/messages", new JsonObject().put("text", "after"), ann.token()).status())
        .isEqualTo(201);
  }
}
