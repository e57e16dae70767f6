package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes sharing Postgres and Redis: conversation sockets on one node see what happens on the other. */
class ClusterChatTest {

  static final AtomicInteger names = new AtomicInteger();
  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    startOn(Map.of("SWITCHBOARD_REDIS_URL", TestRedis.url(), "SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix()));
  }

  /** Both nodes on the Redis that {@code redis} (its settings) names, with the rate limits out of the way. */
  static void startOn(Map<String, String> redis) {
    Map<String, String> settings = new java.util.HashMap<>(redis);
    settings.putAll(TestCluster.NO_RATE_LIMITS);
    settings.putAll(Map.of("SWITCHBOARD_WS_FRAME_BURST", "100000", "SWITCHBOARD_WS_FRAMES_PER_SECOND", "100000"));
    cluster = TestCluster.start(settings);
    a = cluster.a();
    b = cluster.b();
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static Account user(String base) {
    return Accounts.signUp(a.http(), base + "user" + names.incrementAndGet());
  }

  static JsonObject send(String text, String clientMsgId) {
    return new JsonObject().put("type", "send").put("text", text).put("clientMsgId", clientMsgId);
  }

  /** No further message frame: a ping is answered before anything else arrives. */
  static void assertNoMoreMessages(ChatClient socket) {
    socket.send(new JsonObject().put("type", "ping"));
    assertThat(socket.next(f -> "message".equals(f.getString("type")) || "pong".equals(f.getString("type")), "pong").getString("type"))
        .as("no further message").isEqualTo("pong");
  }

  @Test
  void messagesSentOnOneNodeReachSocketsOnTheOtherInSeqOrderOnce() {
    Account x = user("x");
    Account y = user("y");
    String id = Conversations.group(a.http(), x, y);
    try (ChatClient onA = ChatClient.connect(client, a.port(), id, x.token(), null);
        ChatClient onB = ChatClient.connect(client, b.port(), id, y.token(), null)) {
      onA.next("welcome");
      onB.next("welcome");
      for (int i = 0; i < 10; i++) {
        if (i % 2 == 0) {
          Http.Response r = b.http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "http " + i), y.token());
          assertThat(r.status()).isEqualTo(201);
        } else {
          onB.send(send("socket " + i, "c" + i));
        }
      }
      List<Long> expected = LongStream.rangeClosed(1, 10).boxed().toList();
      assertThat(onA.messageSeqs(10)).containsExactlyElementsOf(expected);
      assertThat(onB.messageSeqs(10)).containsExactlyElementsOf(expected);
      assertNoMoreMessages(onA);
      assertNoMoreMessages(onB);
    }
  }

  @Test
  void typingAndReadMarkersCrossNodes() {
    Account x = user("x");
    Account y = user("y");
    String id = Conversations.group(a.http(), x, y);
    try (ChatClient onA = ChatClient.connect(client, a.port(), id, x.token(), null);
        ChatClient onB = ChatClient.connect(client, b.port(), id, y.token(), null)) {
      onA.next("welcome");
      onB.next("welcome");
      onB.send(new JsonObject().put("type", "typing"));
      assertThat(onA.next("typing").getString("userId")).isEqualTo(y.id());
      long seq = b.http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "hello"), y.token())
          .json().getLong("seq");
      onA.next("message");
      onA.send(new JsonObject().put("type", "read").put("seq", seq));
      JsonObject read = onB.next("read");
      assertThat(read.getString("userId")).isEqualTo(x.id());
      assertThat(read.getLong("seq")).isEqualTo(seq);
    }
  }

  @Test
  void presenceIsClusterWide() {
    String admin = Accounts.adminToken(a.http());
    String name = "lobby" + names.incrementAndGet();
    Http.Response created = a.http().post("/api/conversations",
        new JsonObject().put("kind", "room").put("name", name).put("title", "Lobby").put("public", true), admin);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    Account x = user("x");
    Account y = user("y");
    Account z = user("z");
    for (Account u : List.of(x, y, z)) {
      assertThat(a.http().post("/api/conversations/" + id + "/join", new JsonObject(), u.token()).status()).isEqualTo(204);
    }
    try (ChatClient zOnB = ChatClient.connect(client, b.port(), id, z.token(), null)) {
      assertThat(zOnB.next("welcome").getJsonArray("online").getList()).containsExactly(z.id());
      ChatClient xOnA = ChatClient.connect(client, a.port(), id, x.token(), null);
      assertThat(xOnA.next("welcome").getJsonArray("online").getList()).containsExactlyInAnyOrder(x.id(), z.id());
      assertThat(presenceOf(zOnB, x)).isEqualTo(presence(x, true));

      ChatClient yOnB = ChatClient.connect(client, b.port(), id, y.token(), null);
      assertThat(yOnB.next("welcome").getJsonArray("online").getList()).containsExactlyInAnyOrder(x.id(), y.id(), z.id());
      assertThat(presenceOf(xOnA, y)).isEqualTo(presence(y, true));
      assertThat(onlineCount(a, id, x.token())).isEqualTo(3);
      assertThat(onlineCount(b, id, x.token())).isEqualTo(3);

      // a second socket of y on node A is no edge; closing the first one is none either
      ChatClient yOnA = ChatClient.connect(client, a.port(), id, y.token(), null);
      yOnA.next("welcome");
      yOnB.close();
      yOnA.close();
      assertThat(presenceOf(xOnA, y)).isEqualTo(presence(y, false));
      assertThat(presenceOf(zOnB, y)).isEqualTo(presence(y, true));
      assertThat(presenceOf(zOnB, y)).isEqualTo(presence(y, false));
      assertNoMorePresence(xOnA, y);
      Wait.until(Duration.ofSeconds(5), "online counts back to 2", () -> onlineCount(a, id, x.token()) == 2
          && onlineCount(b, id, x.token()) == 2);
      JsonObject details = b.http().get("/api/conversations/" + id, z.token()).json();
      assertThat(details.getJsonArray("online").getList()).containsExactlyInAnyOrder(x.id(), z.id());
      xOnA.close();
    }
  }

  static JsonObject presenceOf(ChatClient socket, Account who) {
    return socket.next(f -> "presence".equals(f.getString("type")) && who.id().equals(f.getString("userId")), "presence of " + who.username());
  }

  static void assertNoMorePresence(ChatClient socket, Account who) {
    socket.send(new JsonObject().put("type", "ping"));
    assertThat(socket.next(f -> "presence".equals(f.getString("type")) && who.id().equals(f.getString("userId"))
        || "pong".equals(f.getString("type")), "pong").getString("type"))
        .as("no further presence").isEqualTo("pong");
  }

  static JsonObject presence(Account who, boolean online) {
    return new JsonObject().put("type", "presence").put("userId", who.id()).put("online", online);
  }

  static int onlineCount(TestNode node, String roomId, String token) {
    return node.http().get("/api/rooms?limit=200", token).items().stream().map(o -> (JsonObject) o)
        .filter(r -> r.getString("id").equals(roomId)).findFirst().orElseThrow().getInteger("onlineCount");
  }

  @Test
  void logoutOnOneNodeClosesTheSocketOnTheOtherWith4401() {
    Account x = user("x");
    Account y = user("y");
    String id = Conversations.group(a.http(), x, y);
    try (ChatClient onA = ChatClient.connect(client, a.port(), id, x.token(), null)) {
      onA.next("welcome");
      assertThat(b.http().post("/api/auth/logout", new JsonObject(), x.token()).status()).isEqualTo(204);
      assertThat(onA.awaitClose()).isEqualTo(CloseCodes.SESSION_ENDED);
    }
  }

  @Test
  void crossNodeDeliveryLatency() throws Exception {
    int count = 500;
    Account x = user("x");
    Account y = user("y");
    String id = Conversations.group(a.http(), x, y);
    // send time -> arrival on a socket of node A (the other node) and of node B (where it is stored)
    LinkedBlockingQueue<long[]> onA = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<long[]> onB = new LinkedBlockingQueue<>();
    WebSocket receiverA = timedReceiver(a, id, x.token(), onA);
    WebSocket receiverB = timedReceiver(b, id, x.token(), onB);
    try (ChatClient sender = ChatClient.connect(client, b.port(), id, y.token(), null)) {
      sender.next("welcome");
      List<Long> endToEnd = new ArrayList<>();
      List<Long> hop = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sender.send(send("m" + i, Long.toString(System.nanoTime())));
        long[] remote = onA.poll(10, TimeUnit.SECONDS);
        long[] local = onB.poll(10, TimeUnit.SECONDS);
        assertThat(remote).as("message %d reached node A", i).isNotNull();
        assertThat(local).as("message %d reached node B", i).isNotNull();
        endToEnd.add((remote[1] - remote[0]) / 1000);
        hop.add((remote[1] - local[1]) / 1000);
      }
      Collections.sort(endToEnd);
      Collections.sort(hop);
      System.out.printf("cross-node delivery over %d messages (send on B -> socket on A, including the Postgres commit): "
          + "p50 %.2f ms, p99 %.2f ms; extra over a socket on B itself (the Redis hop): p50 %.2f ms, p99 %.2f ms%n",
          count, endToEnd.get(count / 2) / 1000.0, endToEnd.get(count * 99 / 100) / 1000.0,
          hop.get(count / 2) / 1000.0, hop.get(count * 99 / 100) / 1000.0);
      assertThat(endToEnd.get(count / 2)).as("p50 in microseconds").isLessThan(1_000_000);
    } finally {
      receiverA.close();
      receiverB.close();
    }
  }

  /** A socket that records, per message, the send time carried in its clientMsgId and its arrival time. */
  static WebSocket timedReceiver(TestNode node, String id, String token, LinkedBlockingQueue<long[]> into) throws Exception {
    CompletableFuture<Void> welcomed = new CompletableFuture<>();
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(text -> {
      long now = System.nanoTime();
      JsonObject frame = new JsonObject(text);
      if ("message".equals(frame.getString("type"))) {
        into.add(new long[] {Long.parseLong(frame.getJsonObject("message").getString("clientMsgId")), now});
      } else if ("welcome".equals(frame.getString("type"))) {
        welcomed.complete(null);
      }
    });
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/ws/chat/" + id + "?token=" + token)).await(10, TimeUnit.SECONDS);
    welcomed.get(10, TimeUnit.SECONDS);
    return ws;
  }
}
