package io.switchboard.cluster;

import static io.switchboard.testing.TestCluster.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TcpProxy;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What another node announced while this node's link to Redis was down is read back from Postgres
 * when the link returns: ended sessions close their sockets here with 4401, removed participants
 * with 4403, as the live events would have done.
 */
class ClusterCatchUpTest {

  static final AtomicInteger names = new AtomicInteger();
  static TcpProxy redisOfA;
  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() throws Exception {
    redisOfA = new TcpProxy(TestRedis.url());
    // node B reaches Redis directly: only node A is cut off
    cluster = TestCluster.start(Map.of("SWITCHBOARD_REDIS_URL", redisOfA.url(), "SWITCHBOARD_PRESENCE_HEARTBEAT_SECONDS", "1"),
        Map.of("SWITCHBOARD_REDIS_URL", TestRedis.url()));
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
    redisOfA.close();
  }

  static Account user(String base) {
    return Accounts.signUp(a.http(), base + "catchup" + names.incrementAndGet());
  }

  static void assertOpen(ChatClient socket) {
    socket.send(new JsonObject().put("type", "ping"));
    socket.next("pong");
    assertThat(socket.isClosed()).isFalse();
  }

  @Test
  void endedSessionsAndRemovedParticipantsAnnouncedDuringAnOutageCloseTheirSocketsWhenTheLinkReturns() {
    Account owner = user("owner");
    Account leaving = user("leaving");
    Account removed = user("removed");
    Account leavingElsewhere = Accounts.account(a.http(), leaving.username(), "password-" + leaving.username());
    String id = Conversations.group(a.http(), owner, leaving, removed);
    List<ChatClient> sockets = new ArrayList<>();
    try {
      ChatClient ownerChat = ChatClient.connect(client, a.port(), id, owner.token(), null);
      ChatClient leavingChat = ChatClient.connect(client, a.port(), id, leaving.token(), null);
      ChatClient leavingOtherSession = ChatClient.connect(client, a.port(), id, leavingElsewhere.token(), null);
      ChatClient removedChat = ChatClient.connect(client, a.port(), id, removed.token(), null);
      sockets.addAll(List.of(ownerChat, leavingChat, leavingOtherSession, removedChat));
      sockets.forEach(s -> s.next("welcome"));
      ChatClient leavingNotifications = NotificationSockets.open(client, a.port(), leaving.token(), null);
      sockets.add(leavingNotifications);

      redisOfA.cut();
      Wait.until(Duration.ofSeconds(5), "node A sees Redis down", () -> a.http().get("/health/ready").status() == 503);
      assertThat(b.http().post("/api/auth/logout", new JsonObject(), leaving.token()).status()).isEqualTo(204);
      assertThat(b.http().delete("/api/conversations/" + id + "/participants/" + removed.id(), owner.token()).status())
          .isEqualTo(204);
      // node A heard of neither: its sockets stay open while its link is down
      assertOpen(leavingChat);
      assertOpen(leavingNotifications);
      assertOpen(removedChat);

      redisOfA.restore();
      assertThat(leavingChat.awaitClose()).isEqualTo(CloseCodes.SESSION_ENDED);
      assertThat(leavingNotifications.awaitClose()).isEqualTo(CloseCodes.SESSION_ENDED);
      assertThat(removedChat.awaitClose()).isEqualTo(CloseCodes.FORBIDDEN);
      awaitReady(a);
      // the ended session's token stops working on node A too; everyone else is untouched
      assertThat(a.http().get("/api/me", leaving.token()).status()).isEqualTo(401);
      assertOpen(ownerChat);
      assertOpen(leavingOtherSession);
    } finally {
      redisOfA.restore();
      sockets.forEach(ChatClient::close);
    }
  }
}
