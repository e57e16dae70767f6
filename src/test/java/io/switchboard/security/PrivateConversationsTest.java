package io.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Direct conversations have no owner; rooms.moderate opens rooms, never direct or group conversations its holder is not in. */
@SwitchboardTest
class PrivateConversationsTest {

  static TestNode node;
  static Http http;
  static Account ann;
  static Account bob;
  static Account moderator;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    String admin = Accounts.adminToken(http);
    ann = Accounts.signUp(http, "direct-ann");
    bob = Accounts.signUp(http, "direct-bob");
    assertThat(http.post("/api/admin/groups", new JsonObject().put("name", "direct-mods")
        .put("permissions", new JsonArray().add("rooms.moderate")), admin).status()).isEqualTo(201);
    assertThat(http.post("/api/admin/users", new JsonObject().put("username", "the-mod").put("password", "password-the-mod")
        .put("groups", new JsonArray().add("member").add("direct-mods")), admin).status()).isEqualTo(201);
    moderator = Accounts.account(http, "the-mod", "password-the-mod");
  }

  @Test
  void neitherSideOfADirectConversationOwnsIt() {
    Http.Response created = http.post("/api/conversations", new JsonObject().put("kind", "direct")
        .put("participants", new JsonArray().add(bob.id())), ann.token());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().getString("ownerId")).isNull();
    String path = "/api/conversations/" + created.json().getString("id");
    assertThat(http.post(path + "/messages", new JsonObject().put("text", "from bob"), bob.token()).status()).isEqualTo(201);
    assertThat(http.post(path + "/messages", new JsonObject().put("text", "from ann"), ann.token()).status()).isEqualTo(201);

    for (Account side : new Account[] {ann, bob}) {
      Account other = side == ann ? bob : ann;
      Http.Response remove = http.delete(path + "/participants/" + other.id(), side.token());
      assertThat(remove.status()).as(remove.toString()).isEqualTo(403);
      Http.Response retention = http.patch(path, new JsonObject().put("retention", new JsonObject().put("maxMessages", 1)), side.token());
      assertThat(retention.status()).as(retention.toString()).isEqualTo(403);
    }
    // the creator cannot delete the other's message; each may delete their own
    assertThat(http.delete(path + "/messages/1", ann.token()).status()).isEqualTo(403);
    assertThat(http.delete(path + "/messages/2", bob.token()).status()).isEqualTo(403);
    assertThat(http.delete(path + "/messages/2", ann.token()).status()).isEqualTo(200);
    assertThat(http.get(path, ann.token()).json().getJsonArray("participants")).hasSize(2);
    assertThat(http.get(path + "/messages", bob.token()).items().getJsonObject(0).getString("state")).isEqualTo("visible");
  }

  @Test
  void roomsModerateDoesNotOpenConversationsItsHolderIsNotIn() {
    Account cid = Accounts.signUp(http, "direct-cid");
    String direct = http.post("/api/conversations", new JsonObject().put("kind", "direct")
        .put("participants", new JsonArray().add(bob.id())), cid.token()).json().getString("id");
    String group = Conversations.group(http, ann, bob);
    for (String id : new String[] {direct, group}) {
      String path = "/api/conversations/" + id;
      assertThat(http.get(path, moderator.token()).status()).isEqualTo(403);
      assertThat(http.get(path + "/messages", moderator.token()).status()).isEqualTo(403);
      assertThat(http.patch(path, new JsonObject().put("title", "mine now"), moderator.token()).status()).isEqualTo(403);
      assertThat(http.delete(path + "/participants/" + bob.id(), moderator.token()).status()).isEqualTo(403);
      assertThat(http.delete(path + "/messages/1", moderator.token()).status()).isEqualTo(403);
    }
    // a private room: rooms.moderate does apply
    Http.Response room = http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "private-room"), ann.token());
    assertThat(room.status()).as(room.toString()).isEqualTo(201);
    String roomPath = "/api/conversations/" + room.json().getString("id");
    assertThat(http.post(roomPath + "/messages", new JsonObject().put("text", "hello"), ann.token()).status()).isEqualTo(201);
    assertThat(http.get(roomPath, moderator.token()).status()).isEqualTo(200);
    assertThat(http.get(roomPath + "/messages", moderator.token()).status()).isEqualTo(200);
    assertThat(http.delete(roomPath + "/messages/1", moderator.token()).status()).isEqualTo(200);
  }
}
