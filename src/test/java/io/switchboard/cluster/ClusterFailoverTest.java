package io.switchboard.cluster;

import static io.switchboard.testing.TestCluster.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TcpProxy;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outages: Redis cut away from both nodes while both keep sending, and a node that dies (it loses
 * Redis, then stops): its clients reconnect to a survivor with {@code since} and miss nothing.
 */
class ClusterFailoverTest {

  static final AtomicInteger names = new AtomicInteger();
  static TcpProxy redis;
  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() throws Exception {
    redis = new TcpProxy(TestRedis.url());
    cluster = TestCluster.startFast(Map.of("SWITCHBOARD_REDIS_URL", redis.url()));
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
    redis.close();
  }

  static Account user(String base) {
    return Accounts.signUp(a.http(), base + "user" + names.incrementAndGet());
  }

  static long post(TestNode node, String id, Account who, String text) {
    Http.Response r = node.http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", text), who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getLong("seq");
  }

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  static void assertNoMoreMessages(ChatClient socket) {
    socket.send(new JsonObject().put("type", "ping"));
    assertThat(socket.next(f -> "message".equals(f.getString("type")) || "pong".equals(f.getString("type")), "pong").getString("type"))
        .as("no further message").isEqualTo("pong");
  }

  @Test
  void aRedisOutageLosesNoMessageOnAnySocket() {
    Account x = user("x");
    Account y = user("y");
    String id = Conversations.group(a.http(), x, y);
    List<ChatClient> sockets = new ArrayList<>();
    try {
      ChatClient xOnA = ChatClient.connect(client, a.port(), id, x.token(), null);
      ChatClient yOnB = ChatClient.connect(client, b.port(), id, y.token(), null);
      ChatClient xOnB = ChatClient.connect(client, b.port(), id, x.token(), null);
      sockets.addAll(List.of(xOnA, yOnB, xOnB));
      sockets.forEach(s -> s.next("welcome"));
      post(a, id, x, "before 1");
      post(b, id, y, "before 2");

      redis.cut();
      Wait.until(Duration.ofSeconds(5), "both nodes see Redis down", () -> a.http().get("/health/ready").status() == 503
          && b.http().get("/health/ready").status() == 503);
      for (int i = 0; i < 5; i++) {
        post(a, id, x, "outage a" + i);
        yOnB.send(new JsonObject().put("type", "send").put("text", "outage b" + i).put("clientMsgId", "b" + i));
      }
      for (int i = 0; i < 5; i++) {
        yOnB.next("ack");
      }
      // each node keeps serving its own sockets: node A's message reaches its socket during the outage
      // (and with it node B's ones before it, read from Postgres as a gap)
      long during = post(a, id, x, "outage a-last");
      assertThat(during).isEqualTo(13);
      List<Long> early = xOnA.messageSeqs(13);
      assertThat(early).containsExactlyElementsOf(range(1, 13));
      redis.restore();
      awaitReady(a, b);

      long last = 0;
      for (int i = 0; i < 3; i++) {
        post(a, id, x, "after a" + i);
        last = post(b, id, y, "after b" + i);
      }
      assertThat(last).isEqualTo(19);
      List<Long> expected = range(1, last);
      for (ChatClient s : sockets) {
        List<Long> seen = new ArrayList<>(s == xOnA ? early : List.of());
        while (seen.size() < expected.size()) {
          try {
            seen.add(s.next("message").getJsonObject("message").getLong("seq"));
          } catch (AssertionError e) {
            throw new AssertionError("socket " + sockets.indexOf(s) + " saw only " + seen, e);
          }
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertNoMoreMessages(s);
      }
    } finally {
      redis.restore();
      sockets.forEach(ChatClient::close);
    }
  }

  @Test
  void clientsOfADeadNodeReconnectElsewhereAndMissNothing() throws Exception {
    Account x = user("x");
    Account y = user("y");
    String id = Conversations.group(a.http(), x, y);
    try (TcpProxy ownRedis = new TcpProxy(TestRedis.url())) {
      TestNode c = TestNode.startPeer(a, Map.of("SWITCHBOARD_REDIS_URL", ownRedis.url()));
      boolean stopped = false;
      try (ChatClient yOnA = ChatClient.connect(client, a.port(), id, y.token(), null)) {
        awaitReady(c);
        yOnA.next("welcome");
        ChatClient xOnC = ChatClient.connect(client, c.port(), id, x.token(), null);
        xOnC.next("welcome");
        assertThat(yOnA.next(f -> "presence".equals(f.getString("type")) && x.id().equals(f.getString("userId")), "x online")
            .getBoolean("online")).isTrue();
        for (int i = 0; i < 3; i++) {
          post(a, id, y, "early " + i);
        }
        List<Long> seen = new ArrayList<>(xOnC.messageSeqs(3));

        // node C dies for the cluster: no Redis any more, then it goes away
        ownRedis.cut();
        post(a, id, y, "while C is cut off");
        c.close();
        stopped = true;
        assertThat(xOnC.awaitClose()).isEqualTo(CloseCodes.SERVICE_RESTART);
        // the dead node's user stops counting once its heartbeat key expires (3 s here), and the survivors say so
        JsonObject offline = yOnA.next(f -> "presence".equals(f.getString("type")) && x.id().equals(f.getString("userId")), "x offline");
        assertThat(offline.getBoolean("online")).isFalse();
        for (int i = 0; i < 3; i++) {
          post(a, id, y, "meanwhile " + i);
        }

        long since = seen.get(seen.size() - 1);
        try (ChatClient xOnA = ChatClient.connect(client, a.port(), id, x.token(), since)) {
          xOnA.next("welcome");
          for (int i = 0; i < 2; i++) {
            post(b, id, y, "after reconnect " + i);
          }
          seen.addAll(xOnA.messageSeqs(6));
          assertThat(seen).containsExactlyElementsOf(range(1, 9));
          assertNoMoreMessages(xOnA);
        }
      } finally {
        if (!stopped) {
          c.close();
        }
      }
    }
  }

  @Test
  void aGracefulStopClosesSocketsWith1012AfterWhatIsQueued() {
    Account x = user("x");
    Account y = user("y");
    String id = Conversations.group(a.http(), x, y);
    TestNode c = TestNode.startPeer(a, Map.of());
    ChatClient xOnC = ChatClient.connect(client, c.port(), id, x.token(), null);
    xOnC.next("welcome");
    long seq = post(c, id, x, "last words");
    c.close();
    assertThat(xOnC.next("message").getJsonObject("message").getLong("seq")).isEqualTo(seq);
    assertThat(xOnC.awaitClose()).isEqualTo(CloseCodes.SERVICE_RESTART);
    assertThatThrownBy(() -> c.http().get("/health/live")).as("the port no longer answers").isInstanceOf(UncheckedIOException.class);
  }
}
