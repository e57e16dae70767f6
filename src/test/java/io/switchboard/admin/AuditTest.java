package io.switchboard.admin;

import static io.switchboard.testing.Accounts.adminToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §3 audit log through HTTP: every login attempt and every admin action, newest first. */
@SwitchboardTest
class AuditTest {

  static TestNode node;
  static Http http;
  static String admin;
  static String adminId;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    admin = adminToken(http);
    adminId = http.get("/api/me", admin).json().getString("id");
  }

  static List<JsonObject> entries(int limit) {
    Http.Response r = http.get("/api/admin/audit?limit=" + limit, admin);
    assertThat(r.status()).isEqualTo(200);
    List<JsonObject> list = new ArrayList<>();
    r.items().forEach(e -> list.add((JsonObject) e));
    return list;
  }

  static JsonObject find(List<JsonObject> entries, String action, String target) {
    return entries.stream().filter(e -> action.equals(e.getString("action")) && target.equals(e.getString("target"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + action + " on " + target + " in " + entries));
  }

  @Test
  void loginsAreRecordedSuccessAndFailure() {
    http.send("POST", "/api/auth/login", new JsonObject().put("username", "admin").put("password", "wrong-password").encode(), null,
        Map.of("Content-Type", "application/json", "X-Forwarded-For", "203.0.113.7"));
    http.post("/api/auth/login", new JsonObject().put("username", "ghost-user").put("password", "whatever-password"));
    adminToken(http);

    List<JsonObject> log = entries(200);
    JsonObject failure = find(log, "login.failure", "admin");
    // X-Forwarded-For is believed only from trusted proxies (none here; see ClientAddressTest)
    assertThat(failure.getString("ip")).isEqualTo("127.0.0.1");
    assertThat(failure.getString("at")).isNotBlank();
    assertThat(find(log, "login.failure", "ghost-user").getString("actorId")).isNull();
    JsonObject success = find(log, "login.success", "admin");
    assertThat(success.getString("actorId")).isEqualTo(adminId);
    assertThat(success.getString("actorUsername")).isEqualTo("admin");
    assertThat(success.getString("ip")).isEqualTo("127.0.0.1");
  }

  @Test
  void adminActionsAreRecordedWithActorTargetAndAddress() {
    String userId = http.post("/api/admin/users", new JsonObject().put("username", "audited").put("password", "audited-password"), admin)
        .json().getString("id");
    http.put("/api/admin/users/" + userId + "/groups", new JsonObject().put("groups", new JsonArray().add("member").add("admin")), admin);
    http.patch("/api/admin/users/" + userId, new JsonObject().put("displayName", "Audited"), admin);
    http.delete("/api/admin/users/" + userId, admin);
    String groupId = http.post("/api/admin/groups", new JsonObject().put("name", "audited-group"), admin).json().getString("id");
    http.put("/api/admin/groups/" + groupId + "/permissions", new JsonObject().put("permissions", new JsonArray().add("jobs.manage")), admin);
    http.patch("/api/admin/groups/" + groupId, new JsonObject().put("description", "changed"), admin);
    http.delete("/api/admin/groups/" + groupId, admin);

    List<JsonObject> log = entries(50);
    List<String> actions = log.stream().map(e -> e.getString("action")).collect(Collectors.toList());
    assertThat(actions).containsSubsequence("group.delete", "group.update", "group.permissions", "group.create",
        "user.disable", "user.update", "user.groups", "user.create");
    JsonObject created = find(log, "user.create", "audited");
    assertThat(created.getString("actorId")).isEqualTo(adminId);
    assertThat(created.getString("actorUsername")).isEqualTo("admin");
    assertThat(created.getString("ip")).isEqualTo("127.0.0.1");
    assertThat(created.getJsonObject("details").getString("userId")).isEqualTo(userId);
    assertThat(created.encode()).doesNotContain("audited-password");
    assertThat(find(log, "user.groups", "audited").getJsonObject("details").getJsonArray("groups")).contains("admin", "member");
    assertThat(find(log, "group.permissions", "audited-group").getJsonObject("details").getJsonArray("permissions"))
        .containsExactly("jobs.manage");
  }

  @Test
  void filteredByActorAndByAction() {
    Accounts.signUp(http, "audit-filter");
    String helper = Accounts.token(http, "audit-filter", "password-audit-filter");
    http.post("/api/auth/login", new JsonObject().put("username", "audit-filter").put("password", "wrong-password"));
    http.post("/api/admin/users", new JsonObject().put("username", "audit-made").put("password", "audit-made-password"), admin);

    Http.Response logins = http.get("/api/admin/audit?action=login&actor=AUDIT-FILTER&limit=200", admin);
    assertThat(logins.status()).isEqualTo(200);
    List<String> actions = logins.items().stream().map(e -> ((JsonObject) e).getString("action")).toList();
    assertThat(actions).isNotEmpty().allMatch(a -> a.startsWith("login."));
    assertThat(logins.items().stream().map(e -> ((JsonObject) e).getString("actorUsername"))).containsOnly("audit-filter");
    Http.Response creations = http.get("/api/admin/audit?action=user.create&actor=admin&limit=200", admin);
    assertThat(creations.items().stream().map(e -> ((JsonObject) e).getString("target"))).contains("audit-made").doesNotContain("audit-filter");
    assertThat(creations.items().stream().map(e -> ((JsonObject) e).getString("action"))).containsOnly("user.create");
    // a filter that matches nothing is an empty page, a malformed one a 400, and the log stays closed to members
    assertThat(http.get("/api/admin/audit?actor=nobody-at-all", admin).items()).isEmpty();
    assertThat(http.get("/api/admin/audit?action=LOGIN%3B", admin).status()).isEqualTo(400);
    assertThat(http.get("/api/admin/audit?action=login", helper).status()).isEqualTo(403);
  }

  @Test
  void newestFirstAndCursorPaginated() {
    for (int i = 0; i < 3; i++) {
      http.post("/api/auth/login", new JsonObject().put("username", "paging-" + i).put("password", "wrong-password"));
    }
    List<Long> ids = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Response r = http.get("/api/admin/audit?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin);
      assertThat(r.status()).isEqualTo(200);
      r.items().forEach(e -> ids.add(Long.valueOf(((JsonObject) e).getString("id"))));
      cursor = r.json().getString("nextCursor");
      assertThat(r.json().getBoolean("hasMore")).isEqualTo(cursor != null);
      pages++;
    } while (cursor != null && pages < 100);
    assertThat(ids.size()).isGreaterThanOrEqualTo(4);
    assertThat(ids).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(http.get("/api/admin/audit?limit=201", admin).status()).isEqualTo(400);
    assertThat(http.get("/api/admin/audit?cursor=bm90LWEtbnVtYmVy", admin).status()).isEqualTo(400);
  }
}
