package io.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
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

/** Rate limits and slow mode on HTTP and sockets, and sockets closed by logout (4401) and removal (4403). */
class SocketLimitsTest {

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "10", "SWITCHBOARD_RATE_PER_SECOND", "1"));
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
  void httpSendsPastTheBurstAre429WithRetryAfter() {
    Account ann = Accounts.signUp(http, "rate-http");
    String id = Conversations.group(http, ann);
    for (int i = 0; i < 10; i++) {
      assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "m" + i), ann.token()).status()).isEqualTo(201);
    }
    Http.Response refused = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "one too many"), ann.token());
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isPositive();
    // buckets are per conversation
    String other = Conversations.group(http, ann);
    assertThat(http.post("/api/conversations/" + other + "/messages", new JsonObject().put("text", "elsewhere"), ann.token()).status()).isEqualTo(201);
  }

  @Test
  void socketSendsPastTheBurstGetRateLimitedFrames() {
    Account ann = Accounts.signUp(http, "rate-ws");
    String id = Conversations.group(http, ann);
    try (ChatClient c = ChatClient.connect(client, node.port(), id, ann.token(), null)) {
      c.next("welcome");
      for (int i = 0; i < 12; i++) {
        c.send(new JsonObject().put("type", "send").put("text", "m" + i).put("clientMsgId", "c" + i));
      }
      for (int i = 0; i < 10; i++) {
        c.next("ack");
      }
      JsonObject refused = c.next("error");
      assertThat(refused.getString("code")).isEqualTo("rate_limited");
      assertThat(refused.getString("ref")).startsWith("c");
      c.send(new JsonObject().put("type", "ping"));
      c.next("pong");
    }
  }

  @Test
  void slowModeSpacesOneUsersMessages() {
    Account ann = Accounts.signUp(http, "slow-owner");
    Account bob = Accounts.signUp(http, "slow-bob");
    String id = Conversations.group(http, ann, bob);
    assertThat(http.patch("/api/conversations/" + id, new JsonObject().put("slowModeSeconds", 60), ann.token()).status()).isEqualTo(200);
    assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "first"), bob.token()).status()).isEqualTo(201);
    Http.Response refused = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "second"), bob.token());
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("rate_limited");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
    // slow mode is per user
    assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "mine"), ann.token()).status()).isEqualTo(201);
    try (ChatClient c = ChatClient.connect(client, node.port(), id, bob.token(), null)) {
      // the welcome tells the client the rules it sends under
      JsonObject welcome = c.next("welcome");
      assertThat(welcome.getInteger("slowModeSeconds")).isEqualTo(60);
      assertThat(welcome.getInteger("recallWindowSeconds")).isEqualTo(30);
      c.send(new JsonObject().put("type", "send").put("text", "again").put("clientMsgId", "slow-1"));
      JsonObject error = c.next("error");
      assertThat(error.getString("code")).isEqualTo("rate_limited");
      assertThat(error.getString("ref")).isEqualTo("slow-1");
      assertThat(error.getInteger("retryAfter")).isBetween(1, 60);
    }
    assertThat(http.get("/api/conversations/" + id + "/messages", bob.token()).items()).hasSize(2);
  }

  @Test
  void logoutClosesThatSessionsSocketsWith4401() {
    Account first = Accounts.signUp(http, "twice");
    Account second = Accounts.account(http, "twice", "password-twice");
    String id = Conversations.group(http, first);
    try (ChatClient a = ChatClient.connect(client, node.port(), id, first.token(), null);
        ChatClient b = ChatClient.connect(client, node.port(), id, second.token(), null)) {
      a.next("welcome");
      b.next("welcome");
      assertThat(http.post("/api/auth/logout", new JsonObject(), first.token()).status()).isEqualTo(204);
      assertThat(a.awaitClose()).isEqualTo((short) 4401);
      b.send(new JsonObject().put("type", "ping"));
      b.next("pong");
      assertThat(b.isClosed()).isFalse();
    }
  }

  @Test
  void removedOrLeavingParticipantsAreClosedWith4403() {
    Account ann = Accounts.signUp(http, "remover");
    Account bob = Accounts.signUp(http, "removed");
    Account cid = Accounts.signUp(http, "leaver");
    String id = Conversations.group(http, ann, bob, cid);
    try (ChatClient a = ChatClient.connect(client, node.port(), id, ann.token(), null);
        ChatClient b = ChatClient.connect(client, node.port(), id, bob.token(), null);
        ChatClient c = ChatClient.connect(client, node.port(), id, cid.token(), null)) {
      a.next("welcome");
      b.next("welcome");
      c.next("welcome");
      assertThat(http.delete("/api/conversations/" + id + "/participants/" + bob.id(), ann.token()).status()).isEqualTo(204);
      assertThat(b.awaitClose()).isEqualTo((short) 4403);
      assertThat(http.post("/api/conversations/" + id + "/leave", null, cid.token()).status()).isEqualTo(204);
      assertThat(c.awaitClose()).isEqualTo((short) 4403);
      assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "back?"), cid.token()).status()).isEqualTo(403);
      assertThat(ChatClient.refusal(client, new io.vertx.core.http.WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/ws/chat/" + id + "?token=" + bob.token()))).isEqualTo(403);
      a.send(new JsonObject().put("type", "send").put("text", "still here"));
      assertThat(a.next("ack").getLong("seq")).isEqualTo(1);
    }
  }
}
