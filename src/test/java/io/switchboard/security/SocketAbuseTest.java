package io.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Valid frames used as a weapon: the per-socket frame budget, reads that do not move, typing floods,
 * and rights revoked while a socket is open (default limits: 40 frames burst, 20/s, typing 3 s).
 */
@SwitchboardTest
class SocketAbuseTest {

  static TestNode node;
  static Http http;
  static WebSocketClient client;
  static String admin;

  @BeforeAll
  static void start(TestNode shared, Vertx vertx) {
    node = shared;
    http = node.http();
    admin = Accounts.adminToken(http);
    client = ChatClient.client(vertx);
  }

  private static JsonObject ping() {
    return new JsonObject().put("type", "ping");
  }

  @Test
  void framesPastTheBudgetAreRefusedAndAFloodIsClosed() throws Exception {
    Account ann = Accounts.signUp(http, "budget-ann");
    String id = Conversations.group(http, ann);
    try (ChatClient ws = ChatClient.connect(client, node.port(), id, ann.token(), null)) {
      ws.next("welcome");
      int sent = 52;
      for (int i = 0; i < sent; i++) {
        ws.send(ping());
      }
      int pongs = 0;
      int limited = 0;
      for (int i = 0; i < sent; i++) {
        JsonObject f = ws.next(x -> "pong".equals(x.getString("type")) || "error".equals(x.getString("type")), "pong or error");
        if ("pong".equals(f.getString("type"))) {
          pongs++;
        } else {
          assertThat(f.getString("code")).isEqualTo("rate_limited");
          limited++;
        }
      }
      assertThat(pongs).as("the burst of 40 (and what refilled meanwhile) passes").isBetween(40, 47);
      assertThat(limited).isPositive();
      assertThat(ws.isClosed()).isFalse();
      // the budget refills at 20 frames a second
      Thread.sleep(300);
      ws.send(ping());
      assertThat(ws.next("pong")).isNotNull();
    }
    try (ChatClient flood = ChatClient.connect(client, node.port(), id, ann.token(), null)) {
      flood.next("welcome");
      for (int i = 0; i < 500; i++) {
        flood.send(new JsonObject().put("type", "read").put("seq", 0));
      }
      assertThat(flood.awaitClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
    }
  }

  @Test
  void aReadThatDoesNotMoveIsNeitherWrittenNorBroadcast() {
    Account ann = Accounts.signUp(http, "reader-ann");
    Account bob = Accounts.signUp(http, "reader-bob");
    String id = Conversations.group(http, ann, bob);
    for (int i = 1; i <= 2; i++) {
      assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "m" + i), ann.token()).status()).isEqualTo(201);
    }
    try (ChatClient reader = ChatClient.connect(client, node.port(), id, bob.token(), null);
         ChatClient watcher = ChatClient.connect(client, node.port(), id, ann.token(), null)) {
      reader.next("welcome");
      watcher.next("welcome");
      reader.send(new JsonObject().put("type", "read").put("seq", 1));
      assertThat(watcher.next("read").getLong("seq")).isEqualTo(1);
      String version = "SELECT xmin::text FROM participants WHERE conversation_id = '" + id + "' AND user_id = '" + bob.id() + "'";
      Object before = TestDb.query(node, version).get(0).get(0);
      for (long seq : new long[] {1, 0, 1}) {
        Http.Response r = http.post("/api/conversations/" + id + "/read", new JsonObject().put("seq", seq), bob.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().getLong("seq")).isEqualTo(1);
      }
      assertThat(TestDb.query(node, version).get(0).get(0)).as("the participant row was not rewritten").isEqualTo(before);
      for (int i = 0; i < 10; i++) {
        reader.send(new JsonObject().put("type", "read").put("seq", 1));
        reader.send(new JsonObject().put("type", "read").put("seq", 0));
      }
      reader.send(new JsonObject().put("type", "read").put("seq", 2));
      assertThat(watcher.next("read").getLong("seq")).as("the repeated reads were not broadcast").isEqualTo(2);
      assertThat(reader.next("read").getLong("seq")).isEqualTo(1);
      assertThat(reader.next("read").getLong("seq")).isEqualTo(2);
    }
  }

  @Test
  void typingIsRelayedAtMostOncePerInterval() {
    Account ann = Accounts.signUp(http, "typist-ann");
    Account bob = Accounts.signUp(http, "typist-bob");
    String id = Conversations.group(http, ann, bob);
    try (ChatClient typist = ChatClient.connect(client, node.port(), id, ann.token(), null);
         ChatClient second = ChatClient.connect(client, node.port(), id, ann.token(), null);
         ChatClient watcher = ChatClient.connect(client, node.port(), id, bob.token(), null)) {
      typist.next("welcome");
      second.next("welcome");
      watcher.next("welcome");
      for (int i = 0; i < 15; i++) {
        typist.send(new JsonObject().put("type", "typing"));
        second.send(new JsonObject().put("type", "typing"));
      }
      // a message after the typing: everything relayed before it has arrived by the time it does
      typist.send(new JsonObject().put("type", "send").put("text", "done typing"));
      List<String> seen = new ArrayList<>();
      while (true) {
        JsonObject f = watcher.next(x -> "typing".equals(x.getString("type")) || "message".equals(x.getString("type")), "typing or message");
        if ("message".equals(f.getString("type"))) {
          break;
        }
        seen.add(f.getString("userId"));
      }
      assertThat(seen).as("one typing event for thirty frames from two sockets of one user").containsExactly(ann.id());
    }
  }

  @Test
  void aRevokedModeratorCannotDeleteFromAnOpenSocket() {
    Account owner = Accounts.signUp(http, "room-owner");
    Http.Response group = http.post("/api/admin/groups", new JsonObject().put("name", "moderators")
        .put("permissions", new JsonArray().add("rooms.moderate")), admin);
    assertThat(group.status()).as(group.toString()).isEqualTo(201);
    Http.Response mod = http.post("/api/admin/users", new JsonObject().put("username", "room-mod").put("password", "password-room-mod")
        .put("groups", new JsonArray().add("member").add("moderators")), admin);
    assertThat(mod.status()).as(mod.toString()).isEqualTo(201);
    Account moderator = Accounts.account(http, "room-mod", "password-room-mod");
    Http.Response room = http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "abuse-room").put("public", true),
        owner.token());
    assertThat(room.status()).as(room.toString()).isEqualTo(201);
    String id = room.json().getString("id");
    assertThat(http.post("/api/conversations/" + id + "/join", null, moderator.token()).status()).isEqualTo(204);
    for (int i = 1; i <= 2; i++) {
      assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "m" + i), owner.token()).status()).isEqualTo(201);
    }
    try (ChatClient ws = ChatClient.connect(client, node.port(), id, moderator.token(), null)) {
      ws.next("welcome");
      ws.send(new JsonObject().put("type", "delete").put("seq", 1));
      assertThat(ws.next("deleted").getLong("seq")).isEqualTo(1);

      Http.Response demoted = http.put("/api/admin/users/" + moderator.id() + "/groups",
          new JsonObject().put("groups", new JsonArray().add("member")), admin);
      assertThat(demoted.status()).as(demoted.toString()).isEqualTo(200);

      ws.send(new JsonObject().put("type", "delete").put("seq", 2).put("ref", "after-revoke"));
      JsonObject refused = ws.next("error");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("ref")).isEqualTo("after-revoke");
    }
    JsonArray history = http.get("/api/conversations/" + id + "/messages", owner.token()).items();
    assertThat(history.getJsonObject(1).getString("state")).isEqualTo("visible");
  }
}
