package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.Profile;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Messages over HTTP: the message shape, history windows, idempotent retries, recall and delete rules. */
@SwitchboardTest(profile = Profile.BUSY)
class MessagesApiTest {

  static TestNode node;
  static Http http;
  static Account ann;
  static Account bob;
  static Account cid;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    ann = Accounts.signUp(http, "msg-ann");
    bob = Accounts.signUp(http, "msg-bob");
    cid = Accounts.signUp(http, "msg-cid");
  }

  static JsonObject send(String conversation, Account sender, String text) {
    Http.Response r = http.post("/api/conversations/" + conversation + "/messages", new JsonObject().put("text", text), sender.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  static List<Long> seqs(Http.Response r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.items().stream().map(o -> ((JsonObject) o).getLong("seq")).toList();
  }

  @Test
  void messageHasTheSpecShape() {
    String id = Conversations.group(http, ann, bob);
    Http.Response r = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "hello").put("clientMsgId", "c-1"), ann.token());
    assertThat(r.status()).isEqualTo(201);
    JsonObject m = r.json();
    assertThat(m.fieldNames()).containsExactlyInAnyOrder("id", "conversationId", "seq", "kind", "sender", "text", "createdAt", "clientMsgId", "state");
    assertThat(m.getString("conversationId")).isEqualTo(id);
    assertThat(m.getLong("seq")).isEqualTo(1);
    assertThat(m.getString("kind")).isEqualTo("user");
    assertThat(m.getString("state")).isEqualTo("visible");
    assertThat(m.getJsonObject("sender").fieldNames()).containsExactlyInAnyOrder("id", "username", "displayName", "avatarUrl");
    assertThat(m.getJsonObject("sender").getString("username")).isEqualTo(ann.username());
  }

  @Test
  void historyWindows() {
    String id = Conversations.group(http, ann, bob);
    for (int i = 1; i <= 12; i++) {
      send(id, i % 2 == 0 ? bob : ann, "m" + i);
    }
    String path = "/api/conversations/" + id + "/messages";
    assertThat(seqs(http.get(path + "?limit=5", bob.token()))).containsExactly(8L, 9L, 10L, 11L, 12L);
    assertThat(http.get(path + "?limit=5", bob.token()).json().getBoolean("hasMore")).isTrue();
    assertThat(seqs(http.get(path + "?before=8&limit=3", bob.token()))).containsExactly(5L, 6L, 7L);
    assertThat(seqs(http.get(path + "?after=9&limit=5", bob.token()))).containsExactly(10L, 11L, 12L);
    assertThat(http.get(path + "?after=9&limit=5", bob.token()).json().getBoolean("hasMore")).isFalse();
    assertThat(seqs(http.get(path + "?after=0&limit=2", bob.token()))).containsExactly(1L, 2L);
    assertThat(seqs(http.get(path + "?before=3", bob.token()))).containsExactly(1L, 2L);
    assertThat(http.get(path + "?before=3", bob.token()).json().getBoolean("hasMore")).isFalse();
    assertThat(seqs(http.get(path, bob.token()))).hasSize(12);
    assertThat(seqs(http.get(path + "?limit=200", bob.token()))).hasSize(12);
  }

  @Test
  void badLimitsAndBoundsAre400() {
    String id = Conversations.group(http, ann);
    String path = "/api/conversations/" + id + "/messages";
    for (String q : List.of("?limit=0", "?limit=-1", "?limit=201", "?limit=99999999999", "?limit=abc", "?before=-3", "?after=x")) {
      Http.Response r = http.get(path + q, ann.token());
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("validation_failed");
    }
  }

  @Test
  void integersBeyondALongAre400NotAnOverflow() {
    String id = Conversations.group(http, ann);
    send(id, ann, "one");
    String path = "/api/conversations/" + id;
    for (String q : List.of("?before=99999999999999999999", "?after=9223372036854775808", "?before=2&after=999999999999999999999999999")) {
      Http.Response r = http.get(path + "/messages" + q, ann.token());
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("validation_failed");
      assertThat(r.json().getJsonObject("error").getString("message")).containsAnyOf("before", "after");
    }
    // 2^64 + 1 would wrap to seq 1
    Http.Response recall = http.post(path + "/messages/18446744073709551617/recall", null, ann.token());
    assertThat(recall.status()).as(recall.toString()).isEqualTo(400);
    Http.Response read = http.send("POST", path + "/read", "{\"seq\":18446744073709551617}", ann.token(), java.util.Map.of("Content-Type", "application/json"));
    assertThat(read.status()).as(read.toString()).isEqualTo(400);
    assertThat(http.get(path + "/messages", ann.token()).items().getJsonObject(0).getString("state")).isEqualTo("visible");
  }

  @Test
  void outsidersCannotReadPrivateHistory() {
    String id = Conversations.group(http, ann, bob);
    send(id, ann, "secret");
    Http.Response r = http.get("/api/conversations/" + id + "/messages", cid.token());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.body()).doesNotContain("secret");
    assertThat(http.post("/api/conversations/" + id + "/messages/1/recall", null, cid.token()).status()).isEqualTo(403);
    assertThat(http.delete("/api/conversations/" + id + "/messages/1", cid.token()).status()).isEqualTo(403);
    assertThat(http.get("/api/conversations/not-a-room/messages", cid.token()).status()).isEqualTo(404);
  }

  @Test
  void retriedClientMsgIdIsStoredOnce() {
    String id = Conversations.group(http, ann, bob);
    send(id, bob, "before");
    JsonObject body = new JsonObject().put("text", "once").put("clientMsgId", "retry-1");
    Http.Response first = http.post("/api/conversations/" + id + "/messages", body, ann.token());
    Http.Response second = http.post("/api/conversations/" + id + "/messages", body, ann.token());
    assertThat(first.status()).isEqualTo(201);
    assertThat(second.json().getLong("seq")).isEqualTo(first.json().getLong("seq")).isEqualTo(2L);
    assertThat(second.json().getString("id")).isEqualTo(first.json().getString("id"));
    // the same clientMsgId from another sender is another message
    Http.Response other = http.post("/api/conversations/" + id + "/messages", body, bob.token());
    assertThat(other.json().getLong("seq")).isEqualTo(3L);
    assertThat(seqs(http.get("/api/conversations/" + id + "/messages", ann.token()))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void textIsLimited() {
    String id = Conversations.group(http, ann);
    Http.Response tooLong = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "x".repeat(4001)), ann.token());
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().getJsonObject("error").getString("message")).contains("text");
    assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "x".repeat(4000)), ann.token()).status()).isEqualTo(201);
    assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", ""), ann.token()).status()).isEqualTo(400);
    assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "   "), ann.token()).status()).isEqualTo(400);
  }

  @Test
  void recallAndDeleteLeaveTombstones() {
    String id = Conversations.group(http, ann, bob, cid);
    send(id, ann, "oops");
    send(id, bob, "bob says");
    send(id, cid, "cid says");
    String path = "/api/conversations/" + id + "/messages";
    assertThat(http.post(path + "/1/recall", null, bob.token()).status()).isEqualTo(403);
    Http.Response recalled = http.post(path + "/1/recall", null, ann.token());
    assertThat(recalled.status()).isEqualTo(200);
    assertThat(recalled.json().getString("state")).isEqualTo("recalled");
    assertThat(recalled.json().containsKey("text")).isFalse();
    assertThat(http.post(path + "/99/recall", null, ann.token()).status()).isEqualTo(404);

    assertThat(http.delete(path + "/3", bob.token()).status()).isEqualTo(403);
    assertThat(http.delete(path + "/2", bob.token()).status()).isEqualTo(200);
    assertThat(http.delete(path + "/3", ann.token()).status()).as("owner deletes").isEqualTo(200);

    JsonArray items = http.get(path, cid.token()).items();
    assertThat(items).hasSize(3);
    for (Object o : items) {
      JsonObject m = (JsonObject) o;
      assertThat(m.containsKey("text")).isFalse();
    }
    assertThat(items.getJsonObject(0).getString("state")).isEqualTo("recalled");
    assertThat(items.getJsonObject(1).getString("state")).isEqualTo("deleted");
    assertThat(http.get(path, cid.token()).body()).doesNotContain("oops").doesNotContain("bob says");
  }
}
