package io.switchboard.admin;

import static io.switchboard.testing.Accounts.adminToken;
import static io.switchboard.testing.Accounts.register;
import static io.switchboard.testing.Accounts.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §3 groups and permissions through HTTP, including changes honoured without a restart. */
@SwitchboardTest
class AdminGroupsTest {

  static final String MEMBER_GROUP = "00000000-0000-0000-0000-000000000002";
  static final String ADMIN_GROUP = "00000000-0000-0000-0000-000000000001";

  static TestNode node;
  static Http http;
  static String admin;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    admin = adminToken(http);
  }

  private static JsonObject group(String name, String... permissions) {
    return new JsonObject().put("name", name).put("description", "about " + name).put("permissions", new JsonArray(List.of(permissions)));
  }

  /** Calls {@code path} until it answers {@code status}, for at most 6 s; answers the last status. */
  private static int awaitStatus(String path, String token, int status) throws InterruptedException {
    long deadline = System.nanoTime() + 6_000_000_000L;
    int last = http.get(path, token).status();
    while (last != status && System.nanoTime() < deadline) {
      Thread.sleep(100);
      last = http.get(path, token).status();
    }
    return last;
  }

  @Test
  void builtInGroupsExistFromTheStart() {
    Http.Response r = http.get("/api/admin/groups", admin);
    assertThat(r.status()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    r.items().forEach(g -> names.add(((JsonObject) g).getString("name")));
    assertThat(names).contains("admin", "member");
    JsonObject member = http.get("/api/admin/groups/" + MEMBER_GROUP, admin).json();
    assertThat(member.getString("name")).isEqualTo("member");
    assertThat(member.getBoolean("builtin")).isTrue();
    assertThat(member.getJsonArray("permissions")).contains("rooms.create");
    JsonObject adminGroup = http.get("/api/admin/groups/" + ADMIN_GROUP, admin).json();
    assertThat(adminGroup.getJsonArray("permissions")).hasSize(10);
    assertThat(adminGroup.getLong("memberCount")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void permissionsAreListedWithDescriptions() {
    Http.Response r = http.get("/api/admin/permissions", admin);
    assertThat(r.status()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    r.items().forEach(p -> {
      JsonObject perm = (JsonObject) p;
      names.add(perm.getString("name"));
      assertThat(perm.getString("description")).isNotBlank();
    });
    assertThat(names).contains("users.manage", "groups.manage", "rooms.create", "rooms.moderate", "announcements.send",
        "notifications.send", "modules.view", "modules.manage", "jobs.manage", "audit.view");
    assertThat(r.json().getBoolean("hasMore")).isFalse();
  }

  @Test
  void createGetRenameDelete() {
    Http.Response created = http.post("/api/admin/groups", group("Moderators", "rooms.moderate", "rooms.moderate"), admin);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.json().getJsonArray("permissions")).containsExactly("rooms.moderate");
    assertThat(created.json().getBoolean("builtin")).isFalse();
    assertThat(created.json().getLong("memberCount")).isZero();

    Http.Response duplicate = http.post("/api/admin/groups", group("moderators"), admin);
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.errorCode()).isEqualTo("conflict");

    Http.Response renamed = http.patch("/api/admin/groups/" + id, new JsonObject().put("name", "mods").put("description", "keep order"), admin);
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.json().getString("name")).isEqualTo("mods");
    assertThat(renamed.json().getString("description")).isEqualTo("keep order");
    assertThat(http.patch("/api/admin/groups/" + id, new JsonObject().put("name", "MEMBER"), admin).status()).isEqualTo(409);
    assertThat(http.get("/api/admin/groups/" + id, admin).json().getString("name")).isEqualTo("mods");

    assertThat(http.delete("/api/admin/groups/" + id, admin).status()).isEqualTo(204);
    assertThat(http.get("/api/admin/groups/" + id, admin).status()).isEqualTo(404);
    assertThat(http.delete("/api/admin/groups/" + id, admin).status()).isEqualTo(404);
  }

  @Test
  void builtInGroupsCannotBeDeletedOrRenamed() {
    for (String id : List.of(ADMIN_GROUP, MEMBER_GROUP)) {
      Http.Response r = http.delete("/api/admin/groups/" + id, admin);
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.errorCode()).isEqualTo("conflict");
    }
    assertThat(http.patch("/api/admin/groups/" + MEMBER_GROUP, new JsonObject().put("name", "everyone"), admin).status()).isEqualTo(409);
    Http.Response describe = http.patch("/api/admin/groups/" + MEMBER_GROUP, new JsonObject().put("description", "all users"), admin);
    assertThat(describe.status()).isEqualTo(200);
    assertThat(describe.json().getString("name")).isEqualTo("member");
  }

  @Test
  void badInputIsRefused() {
    Http.Response unknownPermission = http.post("/api/admin/groups", group("wizards", "spells.cast"), admin);
    assertThat(unknownPermission.status()).isEqualTo(400);
    assertThat(unknownPermission.errorCode()).isEqualTo("validation_failed");
    assertThat(unknownPermission.json().getJsonObject("error").getString("message")).contains("spells.cast");
    assertThat(http.post("/api/admin/groups", new JsonObject().put("name", "has space"), admin).status()).isEqualTo(400);
    assertThat(http.post("/api/admin/groups", new JsonObject().put("description", "nameless"), admin).status()).isEqualTo(400);
    assertThat(http.put("/api/admin/groups/" + MEMBER_GROUP + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("rooms.create").add("no.such")), admin).status()).isEqualTo(400);
    assertThat(http.get("/api/admin/groups/" + MEMBER_GROUP, admin).json().getJsonArray("permissions")).containsExactly("rooms.create");
    assertThat(http.get("/api/admin/groups/nope", admin).status()).isEqualTo(404);
    assertThat(http.put("/api/admin/groups/00000000-0000-0000-0000-0000000000ff/permissions",
        new JsonObject().put("permissions", new JsonArray()), admin).status()).isEqualTo(404);
    assertThat(http.get("/api/admin/groups?limit=0", admin).status()).isEqualTo(400);
  }

  @Test
  void listPaginates() {
    for (int i = 0; i < 5; i++) {
      assertThat(http.post("/api/admin/groups", group("page-group-" + i), admin).status()).isEqualTo(201);
    }
    List<String> names = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = http.get("/api/admin/groups?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin).json();
      page.getJsonArray("items").forEach(g -> names.add(((JsonObject) g).getString("name").toLowerCase()));
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 20);
    assertThat(names).doesNotHaveDuplicates().isSorted().contains("admin", "member", "page-group-0", "page-group-4");
    assertThat(pages).isGreaterThanOrEqualTo(4);
  }

  @Test
  void grantingAPermissionToAGroupWorksWithoutRestart() throws InterruptedException {
    register(http, "granted", "granted-password");
    String member = token(http, "granted", "granted-password");
    assertThat(http.get("/api/admin/audit", member).status()).isEqualTo(403);

    Http.Response grant = http.put("/api/admin/groups/" + MEMBER_GROUP + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("rooms.create").add("audit.view")), admin);
    assertThat(grant.status()).isEqualTo(200);
    try {
      assertThat(awaitStatus("/api/admin/audit", member, 200)).isEqualTo(200);
    } finally {
      assertThat(http.put("/api/admin/groups/" + MEMBER_GROUP + "/permissions",
          new JsonObject().put("permissions", new JsonArray().add("rooms.create")), admin).status()).isEqualTo(200);
    }
    assertThat(awaitStatus("/api/admin/audit", member, 403)).isEqualTo(403);
  }

  @Test
  void joiningAGroupGrantsItsPermissionsAndDeletingItTakesThemAway() throws InterruptedException {
    String userId = register(http, "auditor", "auditor-password").getString("id");
    String auditor = token(http, "auditor", "auditor-password");
    String groupId = http.post("/api/admin/groups", group("auditors", "audit.view"), admin).json().getString("id");
    assertThat(http.get("/api/admin/audit", auditor).status()).isEqualTo(403);

    assertThat(http.put("/api/admin/users/" + userId + "/groups",
        new JsonObject().put("groups", new JsonArray().add("member").add("auditors")), admin).status()).isEqualTo(200);
    assertThat(awaitStatus("/api/admin/audit", auditor, 200)).isEqualTo(200);
    assertThat(http.get("/api/admin/groups/" + groupId, admin).json().getLong("memberCount")).isEqualTo(1);

    assertThat(http.delete("/api/admin/groups/" + groupId, admin).status()).isEqualTo(204);
    assertThat(awaitStatus("/api/admin/audit", auditor, 403)).isEqualTo(403);
    assertThat(http.get("/api/admin/users/" + userId, admin).json().getJsonArray("groups")).containsExactly("member");
  }
}
