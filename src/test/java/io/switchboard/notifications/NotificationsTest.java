package io.switchboard.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §6 notification centre through HTTP: sending, the caller's list, read markers, validation and the purge. */
class NotificationsTest {

  static TestNode node;
  static Http http;
  static String admin;
  static int counter;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_JOBS_POLL_MILLIS", "100"));
    http = node.http();
    admin = Accounts.adminToken(http);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Accounts.Account user() {
    return Accounts.signUp(http, "nt-user-" + (++counter));
  }

  static Http.Response send(JsonObject body) {
    return http.post("/api/admin/notifications", body, admin);
  }

  static JsonObject to(JsonArray userIds, String title) {
    return new JsonObject().put("userIds", userIds).put("title", title).put("body", "about " + title);
  }

  static JsonArray ids(Accounts.Account... accounts) {
    JsonArray a = new JsonArray();
    for (Accounts.Account account : accounts) {
      a.add(account.id());
    }
    return a;
  }

  static JsonObject list(Accounts.Account who, String query) {
    Http.Response r = http.get("/api/notifications" + query, who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  static List<String> titles(JsonObject page) {
    return page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("title")).toList();
  }

  static long count(String sql) {
    return ((Number) TestDb.query(node, sql).get(0).get(0)).longValue();
  }

  @Test
  void sentToUserIdsOnlyThoseGetIt() {
    Accounts.Account a = user();
    Accounts.Account b = user();
    Accounts.Account c = user();
    Http.Response r = send(to(ids(a, b, a), "hello").put("data", new JsonObject().put("k", 1)));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getLong("recipients")).isEqualTo(2);
    assertThat(UUID.fromString(r.json().getString("id"))).isNotNull();

    JsonObject item = list(a, "").getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("id")).isEqualTo("1");
    assertThat(item.getString("title")).isEqualTo("hello");
    assertThat(item.getString("body")).isEqualTo("about hello");
    assertThat(item.getJsonObject("data")).isEqualTo(new JsonObject().put("k", 1));
    assertThat(item.getBoolean("read")).isFalse();
    assertThat(item.getString("createdAt")).isNotBlank();
    assertThat(titles(list(b, ""))).containsExactly("hello");
    assertThat(list(c, "").getJsonArray("items")).isEmpty();
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'notification.send' AND target = '" + r.json().getString("id") + "'"))
        .isEqualTo(1);
  }

  @Test
  void sentToAGroupReachesItsMembersAndNobodyElse() {
    Accounts.Account a = user();
    Accounts.Account b = user();
    Accounts.Account outsider = user();
    Accounts.Account listed = user();
    String group = http.post("/api/admin/groups", new JsonObject().put("name", "nt-team-" + (++counter)), admin).json().getString("id");
    String groupName = http.get("/api/admin/groups/" + group, admin).json().getString("name");
    for (Accounts.Account m : List.of(a, b)) {
      Http.Response set = http.put("/api/admin/users/" + m.id() + "/groups",
          new JsonObject().put("groups", new JsonArray().add("member").add(groupName)), admin);
      assertThat(set.status()).as(set.toString()).isEqualTo(200);
    }
    Http.Response r = send(new JsonObject().put("groupIds", new JsonArray().add(group)).put("title", "team"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getLong("recipients")).isEqualTo(2);
    assertThat(titles(list(a, ""))).containsExactly("team");
    assertThat(titles(list(b, ""))).containsExactly("team");
    assertThat(list(outsider, "").getJsonArray("items")).isEmpty();

    // the preview counts what a send would reach, and stores nothing
    long stored = count("SELECT count(*) FROM notifications");
    Http.Response preview = http.post("/api/admin/notifications/recipients",
        new JsonObject().put("groupIds", new JsonArray().add(group)).put("userIds", ids(listed, a)), admin);
    assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
    assertThat(preview.json().getLong("recipients")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM notifications")).isEqualTo(stored);

    // the union of the list and the group, each user once
    Http.Response union = send(new JsonObject().put("groupIds", new JsonArray().add(group)).put("userIds", ids(listed, a)).put("title", "union"));
    assertThat(union.json().getLong("recipients")).isEqualTo(3);
    assertThat(titles(list(a, ""))).containsExactly("union", "team");
    assertThat(titles(list(listed, ""))).containsExactly("union");
    assertThat(list(outsider, "").getJsonArray("items")).isEmpty();
  }

  @Test
  void aBadRecipientPreviewIsRefusedNamingTheField() {
    String path = "/api/admin/notifications/recipients";
    assertThat(http.post(path, new JsonObject(), admin).status()).isEqualTo(400);
    assertThat(http.post(path, new JsonObject().put("all", true).put("userIds", new JsonArray()), admin).status()).isEqualTo(400);
    Http.Response unknown = http.post(path, new JsonObject().put("userIds", new JsonArray().add(java.util.UUID.randomUUID().toString())), admin);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("userIds");
    assertThat(http.post(path, new JsonObject().put("groupIds", new JsonArray().add("not-an-id")), admin).body()).contains("groupIds");
    assertThat(http.post(path, new JsonObject().put("all", true), user().token()).status()).isEqualTo(403);
  }

  @Test
  void disabledUsersAreLeftOut() {
    Accounts.Account a = user();
    Accounts.Account gone = user();
    assertThat(http.delete("/api/admin/users/" + gone.id(), admin).status()).isEqualTo(204);
    Http.Response r = send(to(ids(a, gone), "not for the disabled"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getLong("recipients")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM user_notifications WHERE user_id = '" + gone.id() + "'")).isZero();
  }

  @Test
  void sentToAllReachesEveryEnabledUser() {
    user();
    long enabled = count("SELECT count(*) FROM users WHERE NOT disabled");
    assertThat(http.post("/api/admin/notifications/recipients", new JsonObject().put("all", true), admin).json().getLong("recipients"))
        .isEqualTo(enabled);
    Http.Response r = send(new JsonObject().put("all", true).put("title", "everyone"));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().getLong("recipients")).isEqualTo(enabled);
    assertThat(count("SELECT count(*) FROM user_notifications un JOIN notifications n ON n.id = un.notification_id"
        + " WHERE n.id = '" + r.json().getString("id") + "'")).isEqualTo(enabled);
  }

  @Test
  void listsNewestFirstAcrossPagesWithoutDuplicates() {
    Accounts.Account a = user();
    for (int i = 1; i <= 7; i++) {
      assertThat(send(to(ids(a), "n" + i)).status()).isEqualTo(201);
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = list(a, "?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      page.getJsonArray("items").forEach(i -> seen.add(((JsonObject) i).getString("id")));
      cursor = page.getString("nextCursor");
      assertThat(page.getBoolean("hasMore")).isEqualTo(cursor != null);
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly("7", "6", "5", "4", "3", "2", "1");
    assertThat(titles(list(a, "?limit=2"))).containsExactly("n7", "n6");
    assertThat(http.get("/api/notifications?limit=0", a.token()).status()).isEqualTo(400);
    assertThat(http.get("/api/notifications?limit=201", a.token()).status()).isEqualTo(400);
    assertThat(http.get("/api/notifications?cursor=%21%21", a.token()).errorCode()).isEqualTo("validation_failed");
  }

  @Test
  void readMarkersUnreadFilterAndCount() {
    Accounts.Account a = user();
    for (int i = 1; i <= 5; i++) {
      send(to(ids(a), "r" + i));
    }
    assertThat(list(a, "").getLong("unreadCount")).isEqualTo(5);
    assertThat(http.post("/api/notifications/2/read", null, a.token()).status()).isEqualTo(204);
    assertThat(http.post("/api/notifications/2/read", null, a.token()).status()).isEqualTo(204); // again: no change
    assertThat(http.post("/api/notifications/4/read", null, a.token()).status()).isEqualTo(204);

    JsonObject everything = list(a, "");
    assertThat(everything.getLong("unreadCount")).isEqualTo(3);
    List<Boolean> read = everything.getJsonArray("items").stream().map(i -> ((JsonObject) i).getBoolean("read")).toList();
    assertThat(read).containsExactly(false, true, false, true, false);
    JsonObject unread = list(a, "?unread=true&limit=2");
    assertThat(titles(unread)).containsExactly("r5", "r3");
    assertThat(unread.getLong("unreadCount")).isEqualTo(3);
    assertThat(titles(list(a, "?unread=true&limit=2&cursor=" + unread.getString("nextCursor")))).containsExactly("r1");

    Http.Response all = http.post("/api/notifications/read-all", null, a.token());
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().getLong("marked")).isEqualTo(3);
    assertThat(http.post("/api/notifications/read-all", null, a.token()).json().getLong("marked")).isZero();
    assertThat(list(a, "?unread=true").getJsonArray("items")).isEmpty();
    assertThat(list(a, "").getLong("unreadCount")).isZero();
  }

  @Test
  void someoneElsesNotificationIsAnsweredLikeAMissingOne() {
    Accounts.Account owner = user();
    Accounts.Account other = user();
    for (int i = 1; i <= 3; i++) {
      send(to(ids(owner), "mine" + i));
    }
    send(to(ids(other), "theirs"));
    Http.Response missing = http.post("/api/notifications/99999/read", null, other.token());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("not_found");
    // the owner's notification 3: the other user has no notification 3
    Http.Response others = http.post("/api/notifications/3/read", null, other.token());
    assertThat(others.toString()).isEqualTo(missing.toString());
    for (String malformed : List.of("abc", "0", "-1", "01", "1.5", "true", "null", "%20", "99999999999999999999", UUID.randomUUID().toString())) {
      assertThat(http.post("/api/notifications/" + malformed + "/read", null, other.token()).toString()).as(malformed)
          .isEqualTo(missing.toString());
    }
    assertThat(list(owner, "?unread=true").getJsonArray("items")).hasSize(3);
    assertThat(http.post("/api/notifications/1/read", null, other.token()).status()).isEqualTo(204); // their own 1
    assertThat(list(owner, "?unread=true").getJsonArray("items")).hasSize(3);
  }

  @Test
  void everyBadSendIsRefusedNamingTheFieldAndStoresNothing() {
    Accounts.Account a = user();
    JsonArray one = ids(a);
    String unknown = UUID.randomUUID().toString();
    Map<String, JsonObject> bad = new java.util.LinkedHashMap<>();
    bad.put("userIds", new JsonObject().put("title", "no recipients"));
    bad.put("userIds ", new JsonObject().put("all", false).put("userIds", new JsonArray()).put("groupIds", new JsonArray()).put("title", "t"));
    bad.put("all", new JsonObject().put("all", true).put("userIds", one).put("title", "t"));
    bad.put("all ", new JsonObject().put("all", true).put("groupIds", new JsonArray()).put("title", "t"));
    bad.put("userIds  ", to(new JsonArray().add(a.id()).add(unknown), "unknown user"));
    bad.put("userIds   ", to(new JsonArray().add("not-a-uuid"), "malformed user"));
    bad.put("userIds    ", to(new JsonArray().add(12), "number user"));
    bad.put("groupIds", new JsonObject().put("groupIds", new JsonArray().add(unknown)).put("userIds", one).put("title", "t"));
    bad.put("groupIds ", new JsonObject().put("groupIds", new JsonArray().add("x")).put("title", "t"));
    bad.put("title", new JsonObject().put("userIds", one));
    bad.put("title ", to(one, ""));
    bad.put("title  ", to(one, "  \t "));
    bad.put("title   ", to(one, "x".repeat(201)));
    bad.put("body", to(one, "t").put("body", "b".repeat(4001)));
    bad.put("data", to(one, "t").put("data", "a string"));
    bad.put("data ", to(one, "t").put("data", new JsonArray().add(1)));
    bad.put("data  ", to(one, "t").put("data", new JsonObject().put("big", "d".repeat(16 * 1024))));
    long notifications = count("SELECT count(*) FROM notifications");
    long rows = count("SELECT count(*) FROM user_notifications");
    long cursors = count("SELECT count(*) FROM notification_cursors");
    for (Map.Entry<String, JsonObject> e : bad.entrySet()) {
      Http.Response r = send(e.getValue());
      assertThat(r.status()).as(e.getValue().encode() + " -> " + r).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("validation_failed");
      assertThat(r.json().getJsonObject("error").getString("message")).as(r.toString()).contains(e.getKey().trim());
    }
    assertThat(count("SELECT count(*) FROM notifications")).isEqualTo(notifications);
    assertThat(count("SELECT count(*) FROM user_notifications")).isEqualTo(rows);
    assertThat(count("SELECT count(*) FROM notification_cursors")).isEqualTo(cursors);

    // at the limits: 200-character title, 4,000-character body, empty or no body
    assertThat(send(to(one, "x".repeat(200)).put("body", "b".repeat(4000))).status()).isEqualTo(201);
    assertThat(send(to(one, "empty body").put("body", "")).status()).isEqualTo(201);
    assertThat(send(new JsonObject().put("userIds", one).put("title", "no body")).status()).isEqualTo(201);
    JsonObject newest = list(a, "").getJsonArray("items").getJsonObject(0);
    assertThat(newest.getString("body")).isEmpty();
    assertThat(newest.getJsonObject("data")).isEqualTo(new JsonObject());
  }

  @Test
  void thePurgeRemovesOnlyOldNotifications() {
    Accounts.Account a = user();
    String old = send(to(ids(a), "old")).json().getString("id");
    String recent = send(to(ids(a), "recent")).json().getString("id");
    TestDb.execute(node, "UPDATE notifications SET created_at = now() - interval '91 days' WHERE id = '" + old + "'");
    TestDb.execute(node, "UPDATE notifications SET created_at = now() - interval '89 days' WHERE id = '" + recent + "'");
    long runs = count("SELECT count(*) FROM schedule_runs WHERE schedule = 'notifications.purge' AND finished_at IS NOT NULL");
    assertThat(http.post("/api/admin/schedules/notifications.purge/run", null, admin).status()).isEqualTo(202);
    Wait.until(Duration.ofSeconds(10), "notifications.purge ran", () ->
        count("SELECT count(*) FROM schedule_runs WHERE schedule = 'notifications.purge' AND finished_at IS NOT NULL") > runs);
    assertThat(count("SELECT count(*) FROM notifications WHERE id = '" + old + "'")).isZero();
    assertThat(count("SELECT count(*) FROM user_notifications WHERE notification_id = '" + old + "'")).isZero();
    assertThat(titles(list(a, ""))).containsExactly("recent");
    String outcome = http.get("/api/admin/schedules", admin).items().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").equals("notifications.purge")).findFirst().orElseThrow().getString("lastOutcome");
    assertThat(outcome).startsWith("ok: ");
    // the next notification still continues the user's ids
    send(to(ids(a), "after"));
    Set<String> idsNow = new HashSet<>();
    list(a, "").getJsonArray("items").forEach(i -> idsNow.add(((JsonObject) i).getString("id")));
    assertThat(idsNow).containsExactlyInAnyOrder("2", "3");
  }
}
