package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.EventStream;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6 across two nodes: notifications sent on node B reach the members' sockets and event streams
 * on node A and no one else's; a stream and a socket cut mid-burst resume from their last id with
 * every later notification once, in order, while the sends go on.
 */
class ClusterNotificationStreamsTest {

  static TestNode a;
  static TestNode b;
  static TestCluster cluster;
  static Vertx vertx;
  static WebSocketClient sockets;
  static HttpClient streams;
  static String admin;
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
    sockets = ChatClient.client(vertx);
    streams = EventStream.client(vertx);
    admin = Accounts.adminToken(b.http());
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
    return Accounts.signUp(a.http(), "cns-user-" + (++counter));
  }

  static EventStream stream(Account u, Map<String, String> headers) {
    return EventStream.open(streams, a.port(), "/api/notifications/stream?token=" + u.token(), headers);
  }

  static long nextId(EventStream stream) {
    EventStream.Event e = stream.next();
    assertThat(e.fields().get("event")).isEqualTo("notification");
    return Long.parseLong(e.id());
  }

  static List<Long> ids(EventStream stream, int count) {
    List<Long> ids = new ArrayList<>();
    while (ids.size() < count) {
      ids.add(nextId(stream));
    }
    return ids;
  }

  @Test
  void aGroupNotificationReachesTheMembersSocketsAndStreamsOnTheOtherNodeOnly() {
    Http onB = b.http();
    Account m1 = user();
    Account m2 = user();
    Account outsider = user();
    String groupName = "cns-team-" + (++counter);
    Http.Response group = onB.post("/api/admin/groups", new JsonObject().put("name", groupName), admin);
    assertThat(group.status()).as(group.toString()).isEqualTo(201);
    for (Account m : List.of(m1, m2)) {
      Http.Response set = onB.put("/api/admin/users/" + m.id() + "/groups",
          new JsonObject().put("groups", new JsonArray().add("member").add(groupName)), admin);
      assertThat(set.status()).as(set.toString()).isEqualTo(200);
    }
    try (EventStream st1 = stream(m1, Map.of());
        EventStream st2 = stream(m2, Map.of());
        EventStream stOut = stream(outsider, Map.of());
        ChatClient ws1 = NotificationSockets.open(sockets, a.port(), m1.token(), null);
        ChatClient wsOut = NotificationSockets.open(sockets, a.port(), outsider.token(), null)) {
      for (EventStream s : List.of(st1, st2, stOut)) {
        assertThat(s.nextAny().comment()).as("the stream is live").isTrue();
      }
      assertThat(NotificationSockets.send(onB, admin,
          new JsonObject().put("groupIds", new JsonArray().add(group.json().getString("id"))), "team")).isEqualTo(2);
      for (EventStream s : List.of(st1, st2)) {
        EventStream.Event e = s.next();
        assertThat(new JsonObject(e.data()).getJsonObject("notification").getString("title")).isEqualTo("team");
      }
      assertThat(NotificationSockets.next(ws1).getString("title")).isEqualTo("team");
      // sent after the group's on the same path: had the group's reached the outsider, it would come first
      NotificationSockets.send(onB, admin, NotificationSockets.toUsers(outsider.id()), "just you");
      EventStream.Event mine = stOut.next();
      assertThat(new JsonObject(mine.data()).getJsonObject("notification").getString("title")).isEqualTo("just you");
      assertThat(NotificationSockets.next(wsOut).getString("title")).isEqualTo("just you");
    }
  }

  @Test
  void aStreamCutAfterThe30thOfABurstOf100ResumesWith31To100Once() throws Exception {
    Account u = user();
    CompletableFuture<Void> sent;
    try (EventStream first = stream(u, Map.of())) {
      assertThat(first.nextAny().comment()).as("the stream is live").isTrue();
      sent = CompletableFuture.runAsync(() -> {
        for (int i = 1; i <= 100; i++) {
          NotificationSockets.send(b.http(), admin, NotificationSockets.toUsers(u.id()), "n" + i);
        }
      });
      assertThat(ids(first, 30)).containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
    }
    // reconnected while the burst goes on, through the header EventSource sends
    try (EventStream resumed = stream(u, Map.of("Last-Event-ID", "30"))) {
      assertThat(ids(resumed, 70)).containsExactlyElementsOf(LongStream.rangeClosed(31, 100).boxed().toList());
      sent.get(60, TimeUnit.SECONDS);
      NotificationSockets.send(b.http(), admin, NotificationSockets.toUsers(u.id()), "after");
      assertThat(nextId(resumed)).as("nothing repeated after 100").isEqualTo(101);
    }
  }

  @Test
  void aSocketCutAfterThe30thOfABurstOf100ResumesWith31To100Once() throws Exception {
    Account u = user();
    CompletableFuture<Void> sent;
    try (ChatClient first = NotificationSockets.open(sockets, a.port(), u.token(), null)) {
      sent = CompletableFuture.runAsync(() -> {
        for (int i = 1; i <= 100; i++) {
          NotificationSockets.send(b.http(), admin, NotificationSockets.toUsers(u.id()), "n" + i);
        }
      });
      assertThat(NotificationSockets.ids(first, 30)).containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
    }
    try (ChatClient resumed = NotificationSockets.open(sockets, a.port(), u.token(), 30L)) {
      assertThat(NotificationSockets.ids(resumed, 70)).containsExactlyElementsOf(LongStream.rangeClosed(31, 100).boxed().toList());
      sent.get(60, TimeUnit.SECONDS);
      NotificationSockets.send(b.http(), admin, NotificationSockets.toUsers(u.id()), "after");
      assertThat(NotificationSockets.ids(resumed, 1)).as("nothing repeated after 100").containsExactly(101L);
    }
  }

  @Test
  void logoutOrDisablingOnOneNodeEndsTheStreamsOnTheOther() {
    Account u = user();
    String second = Accounts.token(a.http(), u.username(), "password-" + u.username());
    try (EventStream loggedOut = stream(u, Map.of());
        EventStream other = EventStream.open(streams, a.port(), "/api/notifications/stream?token=" + second, Map.of())) {
      assertThat(loggedOut.nextAny().comment()).isTrue();
      assertThat(other.nextAny().comment()).isTrue();
      assertThat(b.http().post("/api/auth/logout", new JsonObject(), u.token()).status()).isEqualTo(204);
      loggedOut.awaitEnd();
      // the user's other session keeps its stream until the account is disabled
      NotificationSockets.send(b.http(), admin, NotificationSockets.toUsers(u.id()), "still here");
      assertThat(nextId(other)).isEqualTo(1);
      assertThat(b.http().delete("/api/admin/users/" + u.id(), admin).status()).isEqualTo(204);
      other.awaitEnd();
    }
  }

  /** A send to many users travels between nodes in bulk messages; each node keeps its own users' events. */
  @Test
  void aSendToManyUsersReachesTheOnesConnectedToTheOtherNode() {
    Http onB = b.http();
    String groupName = "cns-crowd-" + (++counter);
    Http.Response group = onB.post("/api/admin/groups", new JsonObject().put("name", groupName), admin);
    assertThat(group.status()).as(group.toString()).isEqualTo(201);
    List<Account> crowd = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Account m = user();
      crowd.add(m);
      assertThat(onB.put("/api/admin/users/" + m.id() + "/groups",
          new JsonObject().put("groups", new JsonArray().add("member").add(groupName)), admin).status()).isEqualTo(200);
    }
    Account outsider = user();
    List<ChatClient> open = new ArrayList<>();
    try {
      for (Account m : crowd.subList(0, 5)) {
        open.add(NotificationSockets.open(sockets, a.port(), m.token(), null));
      }
      ChatClient out = NotificationSockets.open(sockets, a.port(), outsider.token(), null);
      open.add(out);
      try (EventStream st = stream(crowd.get(39), Map.of())) {
        assertThat(st.nextAny().comment()).isTrue();
        assertThat(NotificationSockets.send(onB, admin,
            new JsonObject().put("groupIds", new JsonArray().add(group.json().getString("id"))), "crowd")).isEqualTo(40);
        for (ChatClient s : open.subList(0, 5)) {
          assertThat(NotificationSockets.next(s).getString("title")).isEqualTo("crowd");
          assertThat(NotificationSockets.nothingMore(s)).as("once").isTrue();
        }
        assertThat(new JsonObject(st.next().data()).getJsonObject("notification").getString("title")).isEqualTo("crowd");
        NotificationSockets.send(onB, admin, NotificationSockets.toUsers(outsider.id()), "just you");
        assertThat(NotificationSockets.next(out).getString("title")).isEqualTo("just you");
      }
    } finally {
      open.forEach(ChatClient::close);
    }
  }
}
