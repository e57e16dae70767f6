package io.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.RedisProcess;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The nodes' Redis is killed and started again empty: every subscription, presence entry and key is
 * gone. While it is away, one node ends sessions (a logout, a password change) and removes a
 * participant, whose sockets are on the other node; messages are sent on both. Once Redis is back,
 * the nodes resubscribe (new messages cross between them again), presence is written again (each
 * node sees the other's users online), the ended sessions' and the removed participant's sockets on
 * the other node are closed (4401, 4403: read back from Postgres), and every socket that stayed has
 * the whole gapless sequence.
 */
class RedisRestartTest {

  static final Duration BACK = Duration.ofSeconds(30);

  static RedisProcess redis;
  static TestCluster cluster;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    redis = RedisProcess.start();
    cluster = TestCluster.startFast(Map.of("SWITCHBOARD_REDIS_URL", redis.url()));
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
    if (redis != null) {
      redis.close();
    }
  }

  static long post(TestNode node, String id, Account who, String text) {
    Http.Response r = node.http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", text), who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getLong("seq");
  }

  static List<String> online(TestNode node, String id, Account who) {
    Http.Response r = node.http().get("/api/conversations/" + id, who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("online").stream().map(String::valueOf).toList();
  }

  static boolean seqArrives(ChatClient socket, long seq, List<Long> seen) {
    while (!seen.contains(seq)) {
      seen.add(socket.next("message").getJsonObject("message").getLong("seq"));
    }
    return true;
  }

  @Test
  void aRedisRestartLosesNothingAndMissesNoRevocationOrRemoval() {
    TestNode a = cluster.a();
    TestNode b = cluster.b();
    Http http = a.http();
    String tag = Long.toString(System.nanoTime() % 1_000_000, 36);
    Account x = Accounts.signUp(http, "rrx" + tag);
    Account y = Accounts.signUp(http, "rry" + tag);
    Account removed = Accounts.signUp(http, "rrz" + tag);
    Account loggedOut = Accounts.signUp(http, "rrv" + tag);
    Account watcher = Accounts.signUp(http, "rrw" + tag);
    Accounts.register(http, "rru" + tag, "password-rru" + tag);
    JsonObject elsewhere = Accounts.login(http, "rru" + tag, "password-rru" + tag);
    JsonObject here = Accounts.login(http, "rru" + tag, "password-rru" + tag);
    Account changer = new Account(elsewhere.getJsonObject("user").getString("id"), "rru" + tag, elsewhere.getString("accessToken"));
    JsonObject logout = Accounts.login(http, loggedOut.username(), "password-" + loggedOut.username());
    String id = Conversations.group(http, x, y, removed, loggedOut, watcher, changer);

    List<ChatClient> sockets = new ArrayList<>();
    try {
      ChatClient xOnA = ChatClient.connect(client, a.port(), id, x.token(), null);
      ChatClient yOnB = ChatClient.connect(client, b.port(), id, y.token(), null);
      ChatClient removedOnB = ChatClient.connect(client, b.port(), id, removed.token(), null);
      ChatClient loggedOutOnB = ChatClient.connect(client, b.port(), id, logout.getString("accessToken"), null);
      ChatClient changerOnB = ChatClient.connect(client, b.port(), id, elsewhere.getString("accessToken"), null);
      sockets.addAll(List.of(xOnA, yOnB, removedOnB, loggedOutOnB, changerOnB));
      sockets.forEach(s -> s.next("welcome"));
      Wait.until(Duration.ofSeconds(10), "each node sees the other's users online",
          () -> online(a, id, x).contains(y.id()) && online(b, id, y).contains(x.id()));
      post(a, id, x, "before a");
      post(b, id, y, "before b");
      String admin = Accounts.adminToken(http);
      ChatClient bellOnB = NotificationSockets.open(client, b.port(), y.token(), null);
      sockets.add(bellOnB);
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(y.id()), "before the restart");
      long firstNotification = Long.parseLong(NotificationSockets.next(bellOnB).getString("id"));

      redis.kill();
      Wait.until(Duration.ofSeconds(10), "both nodes see Redis down",
          () -> History.ready(a) == 503 && History.ready(b) == 503);
      for (int i = 0; i < 3; i++) {
        post(a, id, x, "outage a" + i);
        post(b, id, y, "outage b" + i);
      }
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(y.id()), "during the outage");
      // on node A, while nothing crosses to node B: a participant removed, a session ended, another user's other sessions ended
      Http.Response removal = http.delete("/api/conversations/" + id + "/participants/" + removed.id(), x.token());
      assertThat(removal.status()).as(removal.toString()).isEqualTo(204);
      Http.Response out = http.post("/api/auth/logout", new JsonObject().put("refreshToken", logout.getString("refreshToken")),
          logout.getString("accessToken"));
      assertThat(out.status()).as(out.toString()).isEqualTo(204);
      Http.Response changed = http.put("/api/me/password", new JsonObject().put("currentPassword", "password-rru" + tag)
          .put("newPassword", "another-password-" + tag), here.getString("accessToken"));
      assertThat(changed.status()).as(changed.toString()).isEqualTo(204);

      redis.restart();
      History.awaitReady(BACK, a, b);

      // read back from Postgres by node B once its link returned
      assertThat(removedOnB.awaitClose()).as("removed participant's socket").isEqualTo(CloseCodes.FORBIDDEN);
      assertThat(loggedOutOnB.awaitClose()).as("logged-out session's socket").isEqualTo(CloseCodes.SESSION_ENDED);
      assertThat(changerOnB.awaitClose()).as("socket of a session ended by a password change").isEqualTo(CloseCodes.SESSION_ENDED);
      // and refused from now on, on node B too
      Http.Response stale = b.http().get("/api/me", logout.getString("accessToken"));
      assertThat(stale.status()).as(stale.toString()).isEqualTo(401);

      // presence written again by both nodes: each sees the other's user, and a new socket's welcome names both
      Wait.until(BACK, "presence rebuilt on both nodes",
          () -> online(a, id, x).contains(y.id()) && online(b, id, y).contains(x.id()));
      try (ChatClient watcherOnB = ChatClient.connect(client, b.port(), id, watcher.token(), null)) {
        List<String> welcomeOnline = watcherOnB.next("welcome").getJsonArray("online").stream().map(String::valueOf).toList();
        assertThat(welcomeOnline).contains(x.id(), y.id()).doesNotContain(removed.id());
      }

      // subscriptions restored: the newest message of each node reaches the other node's socket through Redis
      List<Long> seenOnA = new ArrayList<>();
      List<Long> seenOnB = new ArrayList<>();
      long fromA = post(a, id, x, "after a");
      Wait.until(BACK, "node A's message on node B", () -> seqArrives(yOnB, fromA, seenOnB));
      long fromB = post(b, id, y, "after b");
      Wait.until(BACK, "node B's message on node A", () -> seqArrives(xOnA, fromB, seenOnA));

      // the notification stored on node A while Redis was away reaches node B's socket, and a later one live
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(y.id()), "after the restart");
      assertThat(NotificationSockets.ids(bellOnB, 2)).containsExactly(firstNotification + 1, firstNotification + 2);
      assertThat(NotificationSockets.nothingMore(bellOnB)).isTrue();

      List<Long> all = History.seqs(History.gapless(a, id, x.token()));
      assertThat(all).hasSize(10);
      for (ChatClient s : List.of(xOnA, yOnB)) {
        List<Long> seen = new ArrayList<>(s == xOnA ? seenOnA : seenOnB);
        while (seen.size() < all.size()) {
          seen.add(s.next("message").getJsonObject("message").getLong("seq"));
        }
        assertThat(seen).as("seqs on a socket that stayed").containsExactlyElementsOf(all);
        s.send(new JsonObject().put("type", "ping"));
        assertThat(s.next(f -> "message".equals(f.getString("type")) || "pong".equals(f.getString("type")), "pong")
            .getString("type")).as("no further message").isEqualTo("pong");
      }
      // presence edges cross again: x's last socket closing on node A is announced on node B
      xOnA.close();
      // (the presence written again may have announced x online once more: presence frames are state, not counts)
      assertThat(yOnB.next(f -> "presence".equals(f.getString("type")) && x.id().equals(f.getString("userId"))
          && Boolean.FALSE.equals(f.getBoolean("online")), "x offline")).isNotNull();
      assertThat(online(b, id, y)).doesNotContain(x.id());
    } finally {
      sockets.forEach(ChatClient::close);
    }
  }
}
