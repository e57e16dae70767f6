package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes sharing Postgres and Redis: a notification sent on one node reaches its recipients' sockets on the other. */
class ClusterNotificationsTest {

  static TestNode a;
  static TestNode b;
  static TestCluster cluster;
  static Vertx vertx;
  static WebSocketClient client;
  static int counter;

  @BeforeAll
  static void start() {
    startOn(Map.of());
  }

  /** Two nodes on the Redis that {@code redis} (its settings) names; the test Redis when empty. */
  static void startOn(Map<String, String> redis) {
    cluster = TestCluster.start(redis);
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

  static Account user() {
    return Accounts.signUp(a.http(), "cn-user-" + (++counter));
  }

  /** Members' sockets on A get a group notification sent on B, live and once; a non-member's socket on A does not. */
  @Test
  void aGroupNotificationSentOnOneNodeReachesEachMembersSocketOnTheOther() {
    Http onB = b.http();
    String admin = Accounts.adminToken(onB);
    Account m1 = user();
    Account m2 = user();
    Account outsider = user();
    String group = onB.post("/api/admin/groups", new JsonObject().put("name", "cn-team-" + (++counter)), admin).json().getString("id");
    String groupName = onB.get("/api/admin/groups/" + group, admin).json().getString("name");
    for (Account m : List.of(m1, m2)) {
      Http.Response set = onB.put("/api/admin/users/" + m.id() + "/groups",
          new JsonObject().put("groups", new JsonArray().add("member").add(groupName)), admin);
      assertThat(set.status()).as(set.toString()).isEqualTo(200);
    }
    try (ChatClient s1 = NotificationSockets.open(client, a.port(), m1.token(), null);
        ChatClient s1b = NotificationSockets.open(client, a.port(), m1.token(), null);
        ChatClient s2 = NotificationSockets.open(client, a.port(), m2.token(), null);
        ChatClient out = NotificationSockets.open(client, a.port(), outsider.token(), null)) {
      assertThat(NotificationSockets.send(onB, admin, new JsonObject().put("groupIds", new JsonArray().add(group)), "team")).isEqualTo(2);
      for (ChatClient member : List.of(s1, s1b, s2)) {
        JsonObject n = NotificationSockets.next(member);
        assertThat(n.getString("title")).isEqualTo("team");
        assertThat(n.getString("id")).isEqualTo("1");
        assertThat(NotificationSockets.nothingMore(member)).as("the group notification once").isTrue();
      }
      // sent after the group's, on the same path: had the group's reached the outsider, it would come first
      NotificationSockets.send(onB, admin, NotificationSockets.toUsers(outsider.id()), "just you");
      assertThat(NotificationSockets.next(out).getString("title")).isEqualTo("just you");
      assertThat(NotificationSockets.nothingMore(out)).isTrue();
    }
  }

  /** Logging out on B closes the session's notification socket on A with 4401. */
  @Test
  void logoutOnOneNodeClosesTheSocketOnTheOther() {
    Account u = user();
    try (ChatClient socket = NotificationSockets.open(client, a.port(), u.token(), null)) {
      assertThat(b.http().post("/api/auth/logout", new JsonObject(), u.token()).status()).isEqualTo(204);
      assertThat(socket.awaitClose()).isEqualTo(CloseCodes.SESSION_ENDED);
    }
  }
}
