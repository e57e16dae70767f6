package io.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A limited admin trying to become more (SPEC §3: no one grants what they do not hold): a holder of
 * {@code users.manage} or {@code groups.manage} tries every way to superuser or to more permissions.
 */
@SwitchboardTest
class EscalationTest {

  static TestNode node;
  static Http http;
  static String admin;
  static String adminId;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    JsonObject login = Accounts.login(http, Accounts.ADMIN, Accounts.ADMIN_PASSWORD);
    admin = login.getString("accessToken");
    adminId = login.getJsonObject("user").getString("id");
  }

  /** A group holding exactly {@code permission}, and a signed-in user in it (and in member). */
  static Account holderOf(String username, String permission) {
    Http.Response group = http.post("/api/admin/groups", new JsonObject().put("name", "only-" + username)
        .put("permissions", new JsonArray().add(permission)), admin);
    assertThat(group.status()).as(group.toString()).isEqualTo(201);
    Http.Response user = http.post("/api/admin/users", new JsonObject().put("username", username).put("password", "password-" + username)
        .put("groups", new JsonArray().add("member").add("only-" + username)), admin);
    assertThat(user.status()).as(user.toString()).isEqualTo(201);
    return Accounts.account(http, username, "password-" + username);
  }

  static String groupId(String name) {
    return http.get("/api/admin/groups?limit=200", admin).items().stream().map(JsonObject.class::cast)
        .filter(g -> g.getString("name").equals(name)).findFirst().orElseThrow().getString("id");
  }

  static void refused(Http.Response r, String what) {
    assertThat(r.status()).as(what + ": " + r).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
  }

  static JsonObject user(String id) {
    return http.get("/api/admin/users/" + id, admin).json();
  }

  @Test
  void usersManageCannotMakeOrTouchSuperusers() {
    Account um = holderOf("user-manager", "users.manage");
    JsonObject newcomer = new JsonObject().put("username", "would-be-root").put("password", "password-root");

    refused(http.post("/api/admin/users", newcomer.copy().put("superuser", true), um.token()), "create a superuser");
    refused(http.patch("/api/admin/users/" + um.id(), new JsonObject().put("superuser", true), um.token()), "raise own flag");
    refused(http.put("/api/admin/users/" + um.id() + "/groups", new JsonObject().put("groups", new JsonArray().add("admin")), um.token()),
        "join admin");
    refused(http.put("/api/admin/users/" + um.id() + "/groups", new JsonObject().put("groups", new JsonArray().add("member")), um.token()),
        "change own groups at all");
    refused(http.post("/api/admin/users", newcomer.copy().put("groups", new JsonArray().add("admin")), um.token()), "create into admin");
    refused(http.delete("/api/admin/users/" + adminId, um.token()), "disable the bootstrap admin");
    refused(http.patch("/api/admin/users/" + adminId, new JsonObject().put("disabled", true), um.token()), "disable the bootstrap admin");
    refused(http.patch("/api/admin/users/" + adminId, new JsonObject().put("displayName", "pwned"), um.token()), "change a superuser");
    refused(http.put("/api/admin/users/" + adminId + "/groups", new JsonObject().put("groups", new JsonArray()), um.token()),
        "strip the superuser's groups");

    // a group with a permission the caller lacks cannot be handed out either
    holderOf("group-manager-1", "groups.manage");
    refused(http.post("/api/admin/users", newcomer.copy().put("groups", new JsonArray().add("only-group-manager-1")), um.token()),
        "create into a group granting groups.manage");

    // nothing changed
    assertThat(user(um.id()).getBoolean("superuser")).isFalse();
    assertThat(user(um.id()).getJsonArray("groups")).containsExactlyInAnyOrder("member", "only-user-manager");
    JsonObject root = user(adminId);
    assertThat(root.getBoolean("disabled")).isFalse();
    assertThat(root.getString("displayName")).isNotEqualTo("pwned");
    assertThat(root.getJsonArray("groups")).contains("admin");
    assertThat(http.get("/api/admin/users?q=would-be-root", admin).items()).isEmpty();

    // what users.manage may do: plain users, into groups it could grant itself
    Http.Response plain = http.post("/api/admin/users", newcomer.copy().put("groups", new JsonArray().add("member").add("only-user-manager")),
        um.token());
    assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
    String plainId = plain.json().getString("id");
    Http.Response regroup = http.put("/api/admin/users/" + plainId + "/groups", new JsonObject().put("groups", new JsonArray().add("member")),
        um.token());
    assertThat(regroup.status()).as(regroup.toString()).isEqualTo(200);
    assertThat(http.delete("/api/admin/users/" + plainId, um.token()).status()).isEqualTo(204);

    // a superuser may do all of it
    Http.Response root2 = http.post("/api/admin/users", new JsonObject().put("username", "second-root").put("password", "password-root2")
        .put("superuser", true).put("groups", new JsonArray().add("admin")), admin);
    assertThat(root2.status()).as(root2.toString()).isEqualTo(201);
    assertThat(root2.json().getBoolean("superuser")).isTrue();
  }

  @Test
  void groupsManageCannotGrantWhatItLacks() {
    Account gm = holderOf("group-manager", "groups.manage");
    String member = groupId("member");
    String adminGroup = groupId("admin");
    String own = groupId("only-group-manager");

    refused(http.put("/api/admin/groups/" + member + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("rooms.create").add("users.manage")), gm.token()), "grant member users.manage");
    refused(http.put("/api/admin/groups/" + member + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("rooms.create").add("groups.manage")), gm.token()),
        "change member, a group it is in, even with what it holds");
    refused(http.put("/api/admin/groups/" + own + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("groups.manage").add("audit.view")), gm.token()), "grow its own group");
    refused(http.patch("/api/admin/groups/" + own, new JsonObject().put("description", "mine"), gm.token()), "change its own group");
    refused(http.delete("/api/admin/groups/" + own, gm.token()), "delete its own group");
    refused(http.patch("/api/admin/groups/" + adminGroup, new JsonObject().put("description", "x"), gm.token()), "change admin");
    refused(http.put("/api/admin/groups/" + adminGroup + "/permissions", new JsonObject().put("permissions", new JsonArray()), gm.token()),
        "empty admin");
    refused(http.post("/api/admin/groups", new JsonObject().put("name", "backdoor")
        .put("permissions", new JsonArray().add("users.manage")), gm.token()), "create a group with users.manage");

    // an unrelated group: only what the caller holds, added or removed
    Http.Response other = http.post("/api/admin/groups", new JsonObject().put("name", "escalation-auditors")
        .put("permissions", new JsonArray().add("audit.view")), admin);
    String auditors = other.json().getString("id");
    refused(http.put("/api/admin/groups/" + auditors + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("audit.view").add("users.manage")), gm.token()), "add users.manage");
    refused(http.put("/api/admin/groups/" + auditors + "/permissions", new JsonObject().put("permissions", new JsonArray()), gm.token()),
        "remove audit.view it does not hold");
    Http.Response allowed = http.put("/api/admin/groups/" + auditors + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("audit.view").add("groups.manage")), gm.token());
    assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
    Http.Response created = http.post("/api/admin/groups", new JsonObject().put("name", "helpers")
        .put("permissions", new JsonArray().add("groups.manage")), gm.token());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    // nothing it tried reached itself
    assertThat(http.get("/api/admin/users", gm.token()).status()).isEqualTo(403);
    assertThat(http.get("/api/admin/audit", gm.token()).status()).isEqualTo(403);
    assertThat(http.get("/api/admin/groups/" + member, admin).json().getJsonArray("permissions")).containsExactly("rooms.create");

    // a superuser may change any group, admin included
    assertThat(http.patch("/api/admin/groups/" + member, new JsonObject().put("description", "everyone"), admin).status()).isEqualTo(200);
  }
}
