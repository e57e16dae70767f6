package io.switchboard.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
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

/** SPEC §6 notification sockets on one node: live frames, resume with since, the old path, logout, floods. */
class NotificationSocketTest {

  static TestNode node;
  static Http http;
  static String admin;
  static Vertx vertx;
  static WebSocketClient client;
  static int counter;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    http = node.http();
    admin = Accounts.adminToken(http);
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  static Accounts.Account user() {
    return Accounts.signUp(http, "ns-user-" + (++counter));
  }

  @Test
  void aNotificationArrivesAsAFrameWithEveryField() {
    Accounts.Account u = user();
    try (ChatClient socket = NotificationSockets.open(client, node.port(), u.token(), null)) {
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()).put("data", new JsonObject().put("k", 1)), "hello");
      JsonObject n = NotificationSockets.next(socket);
      assertThat(n.getString("id")).isEqualTo("1");
      assertThat(n.getString("title")).isEqualTo("hello");
      assertThat(n.getString("body")).isEqualTo("about hello");
      assertThat(n.getJsonObject("data")).isEqualTo(new JsonObject().put("k", 1));
      assertThat(n.getString("createdAt")).isNotBlank();
      assertThat(n.getBoolean("read")).isFalse();
      assertThat(NotificationSockets.nothingMore(socket)).isTrue();
    }
  }

  /** 100 sends while the socket is cut after the 30th; the reconnect with since=30 gets 31..100 once each, in order. */
  @Test
  void resumingWithSinceGetsWhatWasMissedOnceEachInOrder() throws Exception {
    Accounts.Account u = user();
    List<Long> first;
    CompletableFuture<Void> sending;
    try (ChatClient socket = NotificationSockets.open(client, node.port(), u.token(), null)) {
      sending = CompletableFuture.runAsync(() -> {
        for (int i = 1; i <= 100; i++) {
          NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "n" + i);
        }
      });
      first = NotificationSockets.ids(socket, 30);
    }
    assertThat(first).containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
    try (ChatClient resumed = NotificationSockets.open(client, node.port(), u.token(), 30L)) {
      List<Long> rest = new ArrayList<>(NotificationSockets.ids(resumed, 70));
      assertThat(rest).containsExactlyElementsOf(LongStream.rangeClosed(31, 100).boxed().toList());
      sending.get(60, TimeUnit.SECONDS);
      assertThat(NotificationSockets.nothingMore(resumed)).isTrue();
    }
  }

  @Test
  void sinceBeyondTheNewestIsAnErrorFrameAndTheSocketGoesLive() {
    Accounts.Account u = user();
    try (ChatClient socket = NotificationSockets.open(client, node.port(), u.token(), 5L)) {
      assertThat(socket.next("error").getString("code")).isEqualTo("bad_since");
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "live");
      assertThat(NotificationSockets.next(socket).getString("title")).isEqualTo("live");
    }
  }

  @Test
  void theOldPathTakesTheTokenInThePathAndRefusesABadOneWith401() {
    Accounts.Account u = user();
    assertThat(ChatClient.refusal(client, NotificationSockets.at(node.port(), "/ws/not-a-token/"))).isEqualTo(401);
    assertThat(ChatClient.refusal(client, NotificationSockets.at(node.port(), "/ws/notifications"))).isEqualTo(401);
    NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "before");
    try (ChatClient legacy = ChatClient.open(client, NotificationSockets.at(node.port(), "/ws/" + u.token() + "/?since=0"))) {
      // no welcome on the old path: the first frame is the replayed notification
      assertThat(legacy.next(f -> true, "first").getString("type")).isEqualTo("notification");
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "after");
      assertThat(NotificationSockets.next(legacy).getString("title")).isEqualTo("after");
      legacy.send(new JsonObject().put("type", "ping"));
      assertThat(legacy.next("pong")).isNotNull();
    }
  }

  @Test
  void logoutClosesTheNotificationSocketWith4401() {
    Accounts.Account u = user();
    String session = Accounts.token(http, u.username(), "password-" + u.username());
    try (ChatClient socket = NotificationSockets.open(client, node.port(), session, null);
        ChatClient other = NotificationSockets.open(client, node.port(), u.token(), null)) {
      assertThat(http.post("/api/auth/logout", new JsonObject(), session).status()).isEqualTo(204);
      assertThat(socket.awaitClose()).isEqualTo(CloseCodes.SESSION_ENDED);
      // the user's other session keeps its socket
      assertThat(NotificationSockets.nothingMore(other)).isTrue();
    }
  }

  /** Disabling ends every session of the user; a password change ends the others than the caller's. */
  @Test
  void disablingTheUserOrChangingThePasswordClosesWith4401() {
    Accounts.Account disabled = user();
    Accounts.Account changed = user();
    String otherSession = Accounts.token(http, changed.username(), "password-" + changed.username());
    try (ChatClient d = NotificationSockets.open(client, node.port(), disabled.token(), null);
        ChatClient other = NotificationSockets.open(client, node.port(), otherSession, null);
        ChatClient own = NotificationSockets.open(client, node.port(), changed.token(), null)) {
      assertThat(http.patch("/api/admin/users/" + disabled.id(), new JsonObject().put("disabled", true), admin).status()).isEqualTo(200);
      assertThat(d.awaitClose()).isEqualTo(CloseCodes.SESSION_ENDED);
      Http.Response r = http.put("/api/me/password", new JsonObject().put("currentPassword", "password-" + changed.username())
          .put("newPassword", "another-password-1"), changed.token());
      assertThat(r.status()).as(r.toString()).isEqualTo(204);
      assertThat(other.awaitClose()).isEqualTo(CloseCodes.SESSION_ENDED);
      assertThat(NotificationSockets.nothingMore(own)).isTrue();
    }
  }

  @Test
  void aFloodOfFramesIsClosedWith1008() {
    Accounts.Account u = user();
    try (ChatClient socket = NotificationSockets.open(client, node.port(), u.token(), null)) {
      for (int i = 0; i < 100; i++) {
        socket.sendRaw("{\"type\":\"ping\"}");
      }
      assertThat(socket.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }
  }
}
