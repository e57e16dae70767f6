package io.switchboard.admin;

import static io.switchboard.testing.Accounts.ADMIN;
import static io.switchboard.testing.Accounts.ADMIN_PASSWORD;
import static io.switchboard.testing.Accounts.adminToken;
import static io.switchboard.testing.Accounts.register;
import static io.switchboard.testing.Accounts.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §3 user administration through HTTP: list/search/paginate, create, change, disable, groups. */
class AdminUsersTest {

  static TestNode node;
  static Http http;
  static String admin;

  // its own node: it lists every user of the database (between 14 and 50, all on the first page)
  @BeforeAll
  static void start() {
    node = TestNode.start();
    http = node.http();
    admin = adminToken(http);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static JsonObject newUser(String username) {
    return new JsonObject().put("username", username).put("password", "password-" + username);
  }

  private static JsonObject create(JsonObject body) {
    Http.Response r = http.post("/api/admin/users", body, admin);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  @Test
  void listPaginatesAndSearches() {
    for (int i = 0; i < 12; i++) {
      create(newUser(String.format("pager-%02d", i)).put("displayName", "Pager " + i));
    }
    create(newUser("someone-else").put("displayName", "Display PAGER match"));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Response r = http.get("/api/admin/users?q=pager-&limit=5" + (cursor == null ? "" : "&cursor=" + cursor), admin);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      JsonObject page = r.json();
      page.getJsonArray("items").forEach(u -> seen.add(((JsonObject) u).getString("username")));
      cursor = page.getString("nextCursor");
      assertThat(page.getBoolean("hasMore")).isEqualTo(cursor != null);
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(12).doesNotHaveDuplicates().isSorted().allMatch(u -> u.startsWith("pager-"));

    // q matches display names too, case-insensitively
    JsonArray byName = http.get("/api/admin/users?q=display%20pager", admin).items();
    assertThat(byName).hasSize(1);
    assertThat(byName.getJsonObject(0).getString("username")).isEqualTo("someone-else");

    JsonObject all = http.get("/api/admin/users", admin).json();
    assertThat(all.getJsonArray("items").size()).isBetween(14, 50);
    assertThat(all.getBoolean("hasMore")).isFalse();
    assertThat(all.getString("nextCursor")).isNull();
    assertThat(all.getJsonArray("items").getJsonObject(0).containsKey("passwordHash")).isFalse();
  }

  @Test
  void badListParametersAre400() {
    for (String query : List.of("limit=0", "limit=201", "limit=abc", "cursor=%25%25%25")) {
      Http.Response r = http.get("/api/admin/users?" + query, admin);
      assertThat(r.status()).as(query + " -> " + r).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("validation_failed");
    }
    assertThat(http.get("/api/admin/users?limit=200", admin).status()).isEqualTo(200);
    assertThat(http.get("/api/admin/users?limit=1", admin).status()).isEqualTo(200);
  }

  @Test
  void createWithGroupsAndSuperuser() {
    JsonObject plain = create(newUser("created-plain"));
    assertThat(plain.getJsonArray("groups")).containsExactly("member");
    assertThat(plain.getString("displayName")).isEqualTo("created-plain");
    assertThat(plain.getBoolean("superuser")).isFalse();

    JsonObject boss = create(newUser("created-boss").put("displayName", "Boss").put("groups", new JsonArray().add("admin").add("member"))
        .put("superuser", true));
    assertThat(boss.getJsonArray("groups")).containsExactlyInAnyOrder("admin", "member");
    assertThat(boss.getBoolean("superuser")).isTrue();
    assertThat(boss.getString("displayName")).isEqualTo("Boss");
    // the new account can log in
    assertThat(token(http, "created-boss", "password-created-boss")).isNotBlank();
  }

  @Test
  void createRefusesBadInput() {
    Http.Response unknownGroup = http.post("/api/admin/users", newUser("with-ghost-group").put("groups", new JsonArray().add("ghosts")), admin);
    assertThat(unknownGroup.status()).isEqualTo(400);
    assertThat(unknownGroup.errorCode()).isEqualTo("validation_failed");
    assertThat(unknownGroup.json().getJsonObject("error").getString("message")).contains("groups");
    assertThat(http.get("/api/admin/users?q=with-ghost-group", admin).items()).isEmpty();

    create(newUser("Twice-Named"));
    Http.Response duplicate = http.post("/api/admin/users", newUser("twice-named"), admin);
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.errorCode()).isEqualTo("conflict");

    assertThat(http.post("/api/admin/users", newUser("no spaces"), admin).status()).isEqualTo(400);
    assertThat(http.post("/api/admin/users", new JsonObject().put("username", "shortpw").put("password", "short"), admin).status())
        .isEqualTo(400);
    assertThat(http.post("/api/admin/users", newUser("extra-field").put("role", "root"), admin).status()).isEqualTo(400);
  }

  @Test
  void getUnknownIs404() {
    assertThat(http.get("/api/admin/users/00000000-0000-0000-0000-00000000abcd", admin).status()).isEqualTo(404);
    Http.Response notUuid = http.get("/api/admin/users/not-a-uuid", admin);
    assertThat(notUuid.status()).isEqualTo(404);
    assertThat(notUuid.errorCode()).isEqualTo("not_found");
    assertThat(http.patch("/api/admin/users/not-a-uuid", new JsonObject().put("displayName", "x"), admin).status()).isEqualTo(404);
    assertThat(http.delete("/api/admin/users/00000000-0000-0000-0000-00000000abcd", admin).status()).isEqualTo(404);
    assertThat(http.put("/api/admin/users/not-a-uuid/groups", new JsonObject().put("groups", new JsonArray()), admin).status())
        .isEqualTo(404);
  }

  @Test
  void patchChangesDisplayNameAndDisablingEndsSessionsAtOnce() {
    String id = register(http, "patchee", "patchee-password").getString("id");
    String userToken = token(http, "patchee", "patchee-password");
    assertThat(http.get("/api/admin/users/" + id, admin).json().getString("displayName")).isEqualTo("patchee");

    Http.Response renamed = http.patch("/api/admin/users/" + id, new JsonObject().put("displayName", "Patched Name"), admin);
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.json().getString("displayName")).isEqualTo("Patched Name");
    assertThat(http.patch("/api/admin/users/" + id, new JsonObject(), admin).status()).isEqualTo(400);

    Http.Response disabled = http.patch("/api/admin/users/" + id, new JsonObject().put("disabled", true), admin);
    assertThat(disabled.status()).isEqualTo(200);
    assertThat(disabled.json().getBoolean("disabled")).isTrue();
    assertThat(http.get("/api/me", userToken).status()).isEqualTo(401);
    assertThat(http.post("/api/auth/login", new JsonObject().put("username", "patchee").put("password", "patchee-password")).status())
        .isEqualTo(401);

    assertThat(http.patch("/api/admin/users/" + id, new JsonObject().put("disabled", false), admin).status()).isEqualTo(200);
    assertThat(token(http, "patchee", "patchee-password")).isNotBlank();
  }

  @Test
  void passwordResetSetsANewOneAndEndsTheUsersSessions() {
    String id = register(http, "forgetful", "forgetful-password").getString("id");
    String userToken = token(http, "forgetful", "forgetful-password");
    Http.Response reset = http.put("/api/admin/users/" + id + "/password", new JsonObject().put("password", "a-new-password"), admin);
    assertThat(reset.status()).as(reset.toString()).isEqualTo(204);
    assertThat(http.get("/api/me", userToken).status()).isEqualTo(401);
    assertThat(http.post("/api/auth/login", new JsonObject().put("username", "forgetful").put("password", "forgetful-password")).status())
        .isEqualTo(401);
    assertThat(token(http, "forgetful", "a-new-password")).isNotBlank();
    assertThat(http.get("/api/admin/audit", admin).items().stream().map(e -> ((JsonObject) e).getString("action")))
        .contains("user.password_reset");

    // bad input, unknown users, one's own password and a superuser's (for a non-superuser) are refused, and nothing changes
    assertThat(http.put("/api/admin/users/" + id + "/password", new JsonObject().put("password", "short"), admin).status()).isEqualTo(400);
    assertThat(http.put("/api/admin/users/" + id + "/password", new JsonObject(), admin).status()).isEqualTo(400);
    assertThat(http.put("/api/admin/users/" + java.util.UUID.randomUUID() + "/password", new JsonObject().put("password", "whatever-1"), admin)
        .status()).isEqualTo(404);
    String adminId = http.get("/api/me", admin).json().getString("id");
    assertThat(http.put("/api/admin/users/" + adminId + "/password", new JsonObject().put("password", "whatever-1"), admin).status())
        .isEqualTo(409);
    JsonObject group = http.post("/api/admin/groups", new JsonObject().put("name", "resetters").put("permissions", new JsonArray().add("users.manage")),
        admin).json();
    String helperId = register(http, "resetter", "resetter-password").getString("id");
    assertThat(http.put("/api/admin/users/" + helperId + "/groups", new JsonObject().put("groups", new JsonArray().add("member").add("resetters")),
        admin).status()).isEqualTo(200);
    String helper = token(http, "resetter", "resetter-password");
    assertThat(http.put("/api/admin/users/" + adminId + "/password", new JsonObject().put("password", "whatever-1"), helper).status())
        .isEqualTo(403);
    assertThat(token(http, ADMIN, ADMIN_PASSWORD)).isNotBlank();
    assertThat(http.put("/api/admin/users/" + id + "/password", new JsonObject().put("password", "third-password"), helper).status())
        .isEqualTo(204);
    assertThat(group.getString("id")).isNotBlank();
  }

  @Test
  void deleteDisablesKeepsTheAccountAndRevokesSessions() {
    String id = register(http, "leaver", "leaver-password").getString("id");
    String first = token(http, "leaver", "leaver-password");
    String second = token(http, "leaver", "leaver-password");
    assertThat(http.get("/api/me", first).status()).isEqualTo(200);

    assertThat(http.delete("/api/admin/users/" + id, admin).status()).isEqualTo(204);
    assertThat(http.get("/api/me", first).status()).isEqualTo(401);
    assertThat(http.get("/api/me", second).status()).isEqualTo(401);
    Http.Response kept = http.get("/api/admin/users/" + id, admin);
    assertThat(kept.status()).isEqualTo(200);
    assertThat(kept.json().getBoolean("disabled")).isTrue();
    assertThat(kept.json().getString("username")).isEqualTo("leaver");

    String adminId = http.get("/api/me", admin).json().getString("id");
    assertThat(http.delete("/api/admin/users/" + adminId, admin).status()).isEqualTo(409);
    assertThat(http.patch("/api/admin/users/" + adminId, new JsonObject().put("disabled", true), admin).status()).isEqualTo(409);
  }

  @Test
  void setGroupsReplacesMembershipAndGrantsAtOnce() {
    String id = register(http, "promoted", "promoted-password").getString("id");
    String userToken = token(http, "promoted", "promoted-password");
    assertThat(http.get("/api/admin/users", userToken).status()).isEqualTo(403);

    Http.Response set = http.put("/api/admin/users/" + id + "/groups", new JsonObject().put("groups", new JsonArray().add("admin")), admin);
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    assertThat(set.json().getJsonArray("groups")).containsExactly("admin");
    assertThat(http.get("/api/admin/users", userToken).status()).isEqualTo(200);

    Http.Response unknown = http.put("/api/admin/users/" + id + "/groups",
        new JsonObject().put("groups", new JsonArray().add("member").add("nobody-knows")), admin);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(http.get("/api/admin/users/" + id, admin).json().getJsonArray("groups")).containsExactly("admin");

    assertThat(http.put("/api/admin/users/" + id + "/groups", new JsonObject().put("groups", new JsonArray().add("member")), admin).status())
        .isEqualTo(200);
    assertThat(http.get("/api/admin/users", userToken).status()).isEqualTo(403);
    assertThat(http.put("/api/admin/users/" + id + "/groups", new JsonObject(), admin).status()).isEqualTo(400);
  }

  @Test
  void adminCallsNeedTheirPermission() {
    register(http, "plain-member", "plain-member-password");
    String member = token(http, "plain-member", "plain-member-password");
    Http.Response forbidden = http.get("/api/admin/users", member);
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.errorCode()).isEqualTo("forbidden");
    assertThat(http.post("/api/admin/users", newUser("by-member"), member).status()).isEqualTo(403);
    assertThat(http.get("/api/admin/groups", member).status()).isEqualTo(403);
    assertThat(http.get("/api/admin/permissions", member).status()).isEqualTo(403);
    assertThat(http.get("/api/admin/audit", member).status()).isEqualTo(403);

    Http.Response anonymous = http.get("/api/admin/users");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.errorCode()).isEqualTo("unauthorized");
  }
}
