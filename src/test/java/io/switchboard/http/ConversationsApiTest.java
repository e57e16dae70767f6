package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http;
import io.switchboard.testing.Profile;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Conversations over HTTP: kinds, rooms, participants, settings, listing with unread counts, access rules. */
@SwitchboardTest(profile = Profile.BUSY)
class ConversationsApiTest {

  static TestNode node;
  static Http http;
  static Account ann;
  static Account bob;
  static Account cid;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    ann = Accounts.signUp(http, "ann");
    bob = Accounts.signUp(http, "bob");
    cid = Accounts.signUp(http, "cid");
  }

  static JsonObject conversation(Account owner, JsonObject body, int status) {
    Http.Response r = http.post("/api/conversations", body, owner.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    return r.json();
  }

  @Test
  void directIsOnePerPair() {
    JsonObject first = conversation(ann, new JsonObject().put("kind", "direct").put("participants", new JsonArray().add(bob.id())), 201);
    assertThat(first.getJsonArray("participants")).hasSize(2);
    JsonObject again = conversation(bob, new JsonObject().put("kind", "direct").put("participants", new JsonArray().add(ann.id())), 200);
    assertThat(again.getString("id")).isEqualTo(first.getString("id"));
    Http.Response self = http.post("/api/conversations", new JsonObject().put("kind", "direct").put("participants", new JsonArray()), ann.token());
    assertThat(self.status()).isEqualTo(400);
    Http.Response unknown = http.post("/api/conversations", new JsonObject().put("kind", "direct")
        .put("participants", new JsonArray().add("00000000-0000-0000-0000-00000000abcd")), ann.token());
    assertThat(unknown.status()).isEqualTo(400);
  }

  @Test
  void roomsAreListedJoinedAndAddressedByName() {
    JsonObject room = conversation(ann, new JsonObject().put("kind", "room").put("name", "lobby").put("title", "Lobby").put("public", true), 201);
    assertThat(room.getString("name")).isEqualTo("lobby");
    assertThat(http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "LOBBY"), bob.token()).status()).isEqualTo(409);
    assertThat(http.post("/api/conversations", new JsonObject().put("kind", "room"), bob.token()).status()).isEqualTo(400);

    JsonArray rooms = http.get("/api/rooms", cid.token()).items();
    JsonObject listed = rooms.stream().map(JsonObject.class::cast).filter(r -> "lobby".equals(r.getString("name"))).findFirst().orElseThrow();
    assertThat(listed.getLong("participantCount")).isEqualTo(1);
    assertThat(listed.getInteger("onlineCount")).isZero();

    assertThat(http.get("/api/conversations/lobby", cid.token()).status()).isEqualTo(200);
    assertThat(http.post("/api/conversations/lobby/messages", new JsonObject().put("text", "hi"), cid.token()).status()).isEqualTo(403);
    assertThat(http.post("/api/conversations/lobby/join", null, cid.token()).status()).isEqualTo(204);
    assertThat(http.post("/api/conversations/lobby/messages", new JsonObject().put("text", "hi"), cid.token()).status()).isEqualTo(201);
    assertThat(http.get("/api/conversations/lobby", cid.token()).json().getJsonArray("participants")).hasSize(2);
    assertThat(http.post("/api/conversations/lobby/leave", null, cid.token()).status()).isEqualTo(204);
    assertThat(http.post("/api/conversations/lobby/messages", new JsonObject().put("text", "hi"), cid.token()).status()).isEqualTo(403);
  }

  @Test
  void privateRoomCannotBeJoinedAndRoomsNeedPermission() {
    conversation(ann, new JsonObject().put("kind", "room").put("name", "backroom"), 201);
    assertThat(http.post("/api/conversations/backroom/join", null, bob.token()).status()).isEqualTo(403);
    assertThat(http.get("/api/conversations/backroom", bob.token()).status()).isEqualTo(403);
    Account plain = Accounts.signUp(http, "fay");
    TestDb.execute(node, "DELETE FROM user_groups WHERE user_id = '" + plain.id() + "'");
    Account fresh = Accounts.account(http, "fay", "password-fay");
    assertThat(http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "nope"), fresh.token()).status()).isEqualTo(403);
    assertThat(http.post("/api/conversations", new JsonObject().put("kind", "group"), fresh.token()).status()).isEqualTo(201);
  }

  @Test
  void participantsAreManagedByOwnerOrModerator() {
    JsonObject group = conversation(ann, new JsonObject().put("kind", "group").put("title", "team"), 201);
    String id = group.getString("id");
    assertThat(http.post("/api/conversations/" + id + "/participants", new JsonObject().put("userId", bob.id()), ann.token()).status()).isEqualTo(204);
    assertThat(http.post("/api/conversations/" + id + "/participants", new JsonObject().put("userId", cid.id()), bob.token()).status()).isEqualTo(403);
    assertThat(http.delete("/api/conversations/" + id + "/participants/" + ann.id(), bob.token()).status()).isEqualTo(403);
    // rooms.moderate (the admin holds every permission) applies to rooms, not to group conversations its holder is not in
    Account admin = Accounts.account(http, "admin", "admin-password");
    assertThat(http.post("/api/conversations/" + id + "/participants", new JsonObject().put("userId", cid.id()), admin.token()).status()).isEqualTo(403);
    assertThat(http.post("/api/conversations/" + id + "/participants", new JsonObject().put("userId", cid.id()), ann.token()).status()).isEqualTo(204);
    assertThat(http.delete("/api/conversations/" + id + "/participants/" + cid.id(), ann.token()).status()).isEqualTo(204);
    assertThat(http.delete("/api/conversations/" + id + "/participants/" + cid.id(), ann.token()).status()).isEqualTo(404);
    assertThat(http.get("/api/conversations/" + id, cid.token()).status()).isEqualTo(403);
  }

  @Test
  void settingsAreStoredByOwnerOnly() {
    JsonObject group = conversation(ann, new JsonObject().put("kind", "group").put("participants", new JsonArray().add(bob.id())), 201);
    String path = "/api/conversations/" + group.getString("id");
    JsonObject patch = new JsonObject().put("title", "renamed").put("slowModeSeconds", 3)
        .put("retention", new JsonObject().put("maxAgeSeconds", 86400).put("maxMessages", 100));
    Http.Response updated = http.patch(path, patch, ann.token());
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.json().getString("title")).isEqualTo("renamed");
    assertThat(updated.json().getInteger("slowModeSeconds")).isEqualTo(3);
    assertThat(updated.json().getJsonObject("retention").getInteger("maxMessages")).isEqualTo(100);
    assertThat(http.patch(path, new JsonObject().put("title", "mine"), bob.token()).status()).isEqualTo(403);
    assertThat(http.patch(path, new JsonObject().put("slowModeSeconds", -1), ann.token()).status()).isEqualTo(400);
  }

  @Test
  void listIsByActivityWithUnreadCounts() {
    Account dee = Accounts.signUp(http, "dee");
    Account eve = Accounts.signUp(http, "eve");
    String older = conversation(dee, new JsonObject().put("kind", "group").put("participants", new JsonArray().add(eve.id())), 201).getString("id");
    String newer = conversation(dee, new JsonObject().put("kind", "group").put("participants", new JsonArray().add(eve.id())), 201).getString("id");
    for (int i = 0; i < 3; i++) {
      assertThat(http.post("/api/conversations/" + older + "/messages", new JsonObject().put("text", "m" + i), dee.token()).status()).isEqualTo(201);
    }
    JsonArray list = http.get("/api/conversations", eve.token()).items();
    assertThat(list.getJsonObject(0).getString("id")).isEqualTo(older);
    assertThat(list.getJsonObject(0).getLong("unread")).isEqualTo(3);
    assertThat(list.getJsonObject(1).getString("id")).isEqualTo(newer);
    assertThat(list.getJsonObject(1).getLong("unread")).isZero();
    Http.Response read = http.post("/api/conversations/" + older + "/read", new JsonObject().put("seq", 2), eve.token());
    assertThat(read.json().getLong("seq")).isEqualTo(2);
    assertThat(http.get("/api/conversations", eve.token()).items().getJsonObject(0).getLong("unread")).isEqualTo(1);
    assertThat(http.get("/api/conversations", dee.token()).items().getJsonObject(0).getLong("unread")).isZero();
    Http.Response paged = http.get("/api/conversations?limit=1", eve.token());
    assertThat(paged.json().getBoolean("hasMore")).isTrue();
    Http.Response second = http.get("/api/conversations?limit=1&cursor=" + paged.json().getString("nextCursor"), eve.token());
    assertThat(second.items().getJsonObject(0).getString("id")).isEqualTo(newer);
  }

  @Test
  void unknownAndOutsiderRefusals() {
    assertThat(http.get("/api/conversations/00000000-0000-0000-0000-000000000000", ann.token()).status()).isEqualTo(404);
    assertThat(http.get("/api/conversations/no-such-room", ann.token()).status()).isEqualTo(404);
    assertThat(http.get("/api/conversations/lobby").status()).isEqualTo(401);
    String id = conversation(ann, new JsonObject().put("kind", "group"), 201).getString("id");
    assertThat(http.get("/api/conversations/" + id, bob.token()).status()).isEqualTo(403);
    assertThat(http.get("/api/conversations/" + id + "/messages", bob.token()).status()).isEqualTo(403);
    assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "x"), bob.token()).status()).isEqualTo(403);
    assertThat(http.post("/api/conversations/" + id + "/read", new JsonObject().put("seq", 1), bob.token()).status()).isEqualTo(403);
  }
}
