package io.switchboard.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Who may call what: every operation of {@code openapi.yaml}, read at test time, against every role,
 * with the exact status each gets. An operation without a row fails {@link #everyOperationHasARow}.
 * Rows named {@code operationId/variant} are the escalation and privacy attempts of SPEC §3 and §4.
 * Each call gets fresh targets (users, groups, rooms, messages), so no row depends on another.
 */
class AuthorizationMatrixTest {

  /**
   * MEMBER is a plain member and an outsider to the conversation of the row; HOLDER holds exactly the
   * permission the operation's {@code x-permission} names (for conversation operations, which name
   * none, {@code rooms.moderate}) besides what every member holds.
   */
  enum Role { ANONYMOUS, MEMBER, PARTICIPANT, OWNER, HOLDER, SUPERUSER }

  /**
   * What one call sends: path parameters and a body (a JSON object, {@link #AVATAR} for the multipart
   * upload, or {@link #STREAM} for a call whose response never ends: only its status is read).
   */
  record Req(Map<String, String> params, Object body) {
  }

  interface Target {
    Req build(Ctx ctx, Role role);
  }

  record Row(String operationId, String variant, Target target, int[] expected, boolean freshSession) {

    String name() {
      return variant == null ? operationId : operationId + "/" + variant;
    }
  }

  static final Object AVATAR = new Object();
  /** The banner's multipart form: text and a picture. */
  static final Object BANNER = new Object();
  static final Object STREAM = new Object();
  static final String MODERATE = "rooms.moderate";

  static TestNode node;
  static Http http;
  static OpenAPIContract contract;
  static Ctx ctx;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "100000", "SWITCHBOARD_RATE_PER_SECOND", "100000"));
    http = node.http();
    Vertx vertx = Vertx.vertx();
    try {
      contract = OpenAPIContract.from(vertx, "src/main/resources/openapi.yaml").await(30, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
    ctx = new Ctx();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static int[] expect(int anonymous, int member, int participant, int owner, int holder, int superuser) {
    return new int[] {anonymous, member, participant, owner, holder, superuser};
  }

  static int[] all(int status) {
    return expect(status, status, status, status, status, status);
  }

  /** An admin operation: the holder of its permission and the superuser get {@code ok}, everyone else is refused. */
  static int[] admin(int ok) {
    return expect(401, 403, 403, 403, ok, ok);
  }

  /** An escalation attempt: refused even to the holder of the operation's permission; only the superuser gets {@code ok}. */
  static int[] escalation(int ok) {
    return expect(401, 403, 403, 403, 403, ok);
  }

  static int[] signedIn(int ok) {
    return expect(401, ok, ok, ok, ok, ok);
  }

  static Row row(String op, int[] expected, Target target) {
    return new Row(op, null, target, expected, false);
  }

  static Row variant(String op, String variant, int[] expected, Target target) {
    return new Row(op, variant, target, expected, false);
  }

  static Req req(Object body, String... params) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < params.length; i += 2) {
      map.put(params[i], params[i + 1]);
    }
    return new Req(map, body);
  }

  static final Target NOTHING = (c, r) -> req(null);

  static JsonObject json(Object... kv) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < kv.length; i += 2) {
      o.put((String) kv[i], kv[i + 1]);
    }
    return o;
  }

  static JsonArray array(String... values) {
    JsonArray a = new JsonArray();
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    // public and own-account operations
    rows.add(row("healthLive", all(200), NOTHING));
    rows.add(row("healthReady", all(200), NOTHING));
    rows.add(row("register", all(201), (c, r) -> req(json("username", c.unique("reg"), "password", "password-reg"))));
    rows.add(row("login", all(200), (c, r) -> req(json("username", "mx-bystander", "password", "password-mx-bystander"))));
    rows.add(row("captcha", all(200), NOTHING));
    rows.add(row("refresh", all(200), (c, r) -> req(json("refreshToken", c.refreshToken()))));
    rows.add(new Row("logout", null, (c, r) -> req(json()), signedIn(204), true));
    rows.add(row("getMe", signedIn(200), NOTHING));
    rows.add(row("updateMe", signedIn(200), (c, r) -> req(json("displayName", "Matrix " + r))));
    rows.add(row("changePassword", signedIn(204), (c, r) -> req(json("currentPassword", c.password(r), "newPassword", c.password(r)))));
    rows.add(row("setAvatar", signedIn(200), (c, r) -> req(AVATAR)));

    // users.manage
    rows.add(row("listUsers", admin(200), NOTHING));
    rows.add(row("createUser", admin(201), (c, r) -> req(json("username", c.unique("new"), "password", "password-new"))));
    rows.add(row("getUser", admin(200), (c, r) -> req(null, "id", c.plainUser())));
    rows.add(row("updateUser", admin(200), (c, r) -> req(json("displayName", "renamed"), "id", c.plainUser())));
    rows.add(row("deleteUser", admin(204), (c, r) -> req(null, "id", c.plainUser())));
    rows.add(row("setUserGroups", admin(200), (c, r) -> req(json("groups", array("member")), "id", c.plainUser())));
    rows.add(row("resetUserPassword", admin(204), (c, r) -> req(json("password", "password-reset"), "id", c.plainUser())));
    rows.add(variant("createUser", "superuser-flag", escalation(201), (c, r) -> req(json("username", c.unique("root"),
        "password", "password-root", "superuser", true))));
    rows.add(variant("createUser", "into-admin", escalation(201), (c, r) -> req(json("username", c.unique("adm"),
        "password", "password-adm", "groups", array("admin")))));
    rows.add(variant("updateUser", "raise-own-flag", escalation(200), (c, r) -> req(json("superuser", true), "id", c.self(r))));
    rows.add(variant("updateUser", "bootstrap-admin", escalation(200), (c, r) -> req(json("displayName", "Admin"), "id", c.adminId)));
    rows.add(variant("deleteUser", "bootstrap-admin", escalation(409), (c, r) -> req(null, "id", c.adminId)));
    rows.add(variant("setUserGroups", "own-groups", escalation(200), (c, r) -> req(json("groups", array("admin", "member")), "id", c.self(r))));
    rows.add(variant("setUserGroups", "into-admin", escalation(200), (c, r) -> req(json("groups", array("admin")), "id", c.plainUser())));
    rows.add(variant("setUserGroups", "into-unheld-permission", escalation(200),
        (c, r) -> req(json("groups", array("member", c.groupNamed("audit.view"))), "id", c.plainUser())));

    // groups.manage
    rows.add(row("listGroups", admin(200), NOTHING));
    rows.add(row("createGroup", admin(201), (c, r) -> req(json("name", c.unique("grp"), "permissions", array("groups.manage")))));
    rows.add(row("getGroup", admin(200), (c, r) -> req(null, "id", c.freshGroup())));
    rows.add(row("updateGroup", admin(200), (c, r) -> req(json("description", "changed"), "id", c.freshGroup())));
    rows.add(row("deleteGroup", admin(204), (c, r) -> req(null, "id", c.freshGroup())));
    rows.add(row("setGroupPermissions", admin(200), (c, r) -> req(json("permissions", array("groups.manage")), "id", c.freshGroup())));
    rows.add(row("listPermissions", admin(200), NOTHING));
    rows.add(variant("createGroup", "grant-unheld", escalation(201),
        (c, r) -> req(json("name", c.unique("grp"), "permissions", array("users.manage")))));
    rows.add(variant("setGroupPermissions", "grant-unheld", escalation(200),
        (c, r) -> req(json("permissions", array("users.manage")), "id", c.freshGroup())));
    rows.add(variant("setGroupPermissions", "member-group", escalation(200),
        (c, r) -> req(json("permissions", array("rooms.create")), "id", c.memberGroupId)));
    rows.add(variant("updateGroup", "admin-group", escalation(200),
        (c, r) -> req(json("description", "administrators: every permission"), "id", c.adminGroupId)));

    // audit.view, jobs.manage
    rows.add(row("nodeMetrics", admin(200), NOTHING));
    rows.add(row("listAudit", admin(200), NOTHING));
    rows.add(row("listSchedules", admin(200), NOTHING));
    rows.add(row("changeSchedule", admin(200), (c, r) -> req(json("enabled", true), "name", "jobs.purge")));
    rows.add(row("runSchedule", admin(202), (c, r) -> req(null, "name", "jobs.purge")));
    rows.add(row("listJobs", admin(200), NOTHING));
    rows.add(row("enqueueJob", admin(201), (c, r) -> req(json("kind", "retention", "payload", json()))));
    rows.add(row("retryJob", admin(200), (c, r) -> req(null, "id", c.failedJob())));

    // notifications.send; everyone's own notification centre (ids are per user: a notification of another user is not found)
    rows.add(row("sendNotification", admin(201), (c, r) -> req(json("userIds", array(c.plainUser()), "title", "matrix"))));
    rows.add(row("countNotificationRecipients", admin(200), (c, r) -> req(json("all", true))));
    rows.add(row("listNotifications", signedIn(200), NOTHING));
    rows.add(row("markNotificationRead", signedIn(204), (c, r) -> req(null, "id", c.notificationOf(r))));
    rows.add(row("markAllNotificationsRead", signedIn(200), NOTHING));
    // the event stream never ends by itself: only its status and headers are read
    rows.add(row("streamNotifications", signedIn(200), (c, r) -> req(STREAM)));
    rows.add(variant("markNotificationRead", "someone-elses", signedIn(404), (c, r) -> req(null, "id", c.othersNotification())));

    // conversations: a private room of OWNER with PARTICIPANT; seq 1 is PARTICIPANT's, seq 2 OWNER's
    // modules: the old platform's endpoints are open to anyone (always 200, the envelope says what happened)
    rows.add(row("registerModule", all(200), NOTHING));
    rows.add(row("registerModuleJson", all(200), (c, r) -> req(json("name", c.unique("module")))));
    rows.add(row("onlineModules", all(200), NOTHING));
    rows.add(row("listModules", admin(200), NOTHING));
    rows.add(row("deleteModule", admin(204), (c, r) -> req(null, "hash", c.freshModule())));
    // a module with no socket: the holder of modules.manage gets past the guard to the module's 404
    rows.add(row("sendModuleCommand", admin(404), (c, r) -> req(json("payload", json("run", true)), "hash", c.freshModule())));

    // the global banner: read by anyone signed in, set and cleared with announcements.send
    rows.add(row("getBanner", signedIn(200), NOTHING));
    // announcements: announcements.send posts a system message into any conversation (no presets configured here)
    rows.add(row("listAnnouncementPresets", admin(200), NOTHING));
    rows.add(row("sendAnnouncement", admin(201), (c, r) -> req(json("text", "notice"), "id", c.room())));
    rows.add(row("setBanner", admin(200), (c, r) -> req(BANNER)));
    rows.add(row("clearBanner", admin(204), NOTHING));

    rows.add(row("createConversation", signedIn(201), (c, r) -> req(json("kind", "group"))));
    rows.add(row("listConversations", signedIn(200), NOTHING));
    rows.add(row("listRooms", signedIn(200), NOTHING));
    rows.add(row("getConversation", expect(401, 403, 200, 200, 200, 200), (c, r) -> req(null, "id", c.room())));
    rows.add(row("updateConversation", expect(401, 403, 403, 200, 200, 200), (c, r) -> req(json("title", "t"), "id", c.room())));
    rows.add(row("joinConversation", expect(401, 403, 204, 204, 403, 403), (c, r) -> req(null, "id", c.room())));
    rows.add(row("leaveConversation", expect(401, 403, 204, 204, 403, 403), (c, r) -> req(null, "id", c.room())));
    rows.add(row("addParticipant", expect(401, 403, 403, 204, 204, 204),
        (c, r) -> req(json("userId", c.plainUser()), "id", c.room())));
    rows.add(row("removeParticipant", expect(401, 403, 403, 204, 204, 204),
        (c, r) -> req(null, "id", c.room(), "userId", c.participantId)));
    rows.add(row("markRead", expect(401, 403, 200, 200, 403, 403), (c, r) -> req(json("seq", 1), "id", c.room())));
    rows.add(row("listMessages", expect(401, 403, 200, 200, 200, 200), (c, r) -> req(null, "id", c.room())));
    rows.add(row("sendMessage", expect(401, 403, 201, 201, 403, 403), (c, r) -> req(json("text", "hi"), "id", c.room())));
    rows.add(row("sendImage", expect(401, 403, 201, 201, 403, 403), (c, r) -> req(AVATAR, "id", c.room())));
    rows.add(row("recallMessage", expect(401, 403, 200, 403, 403, 403), (c, r) -> req(null, "id", c.room(), "seq", "1")));
    rows.add(row("deleteMessage", expect(401, 403, 200, 200, 200, 200), (c, r) -> req(null, "id", c.room(), "seq", "1")));
    rows.add(variant("deleteMessage", "owners-message", expect(401, 403, 403, 200, 200, 200),
        (c, r) -> req(null, "id", c.room(), "seq", "2")));
    // direct (PARTICIPANT and OWNER) and private group conversations: no owner, and rooms.moderate opens neither
    rows.add(variant("getConversation", "direct", expect(401, 403, 200, 200, 403, 403), (c, r) -> req(null, "id", c.direct())));
    rows.add(variant("listMessages", "private-group", expect(401, 403, 200, 200, 403, 403), (c, r) -> req(null, "id", c.group())));
    rows.add(variant("updateConversation", "direct-retention", expect(401, 403, 403, 403, 403, 403),
        (c, r) -> req(json("retention", json("maxMessages", 1)), "id", c.direct())));
    rows.add(variant("removeParticipant", "direct", expect(401, 403, 403, 403, 403, 403),
        (c, r) -> req(null, "id", c.direct(), "userId", c.participantId)));
    rows.add(variant("deleteMessage", "direct-others", expect(401, 403, 200, 403, 403, 403),
        (c, r) -> req(null, "id", c.direct(), "seq", Long.toString(c.directMessageOfParticipant()))));
    rows.add(variant("addParticipant", "private-group", expect(401, 403, 403, 204, 403, 403),
        (c, r) -> req(json("userId", c.plainUser()), "id", c.group())));
    return rows;
  }

  @Test
  void everyOperationHasARow() {
    Set<String> operations = contract.operations().stream().map(Operation::getOperationId).collect(Collectors.toCollection(TreeSet::new));
    Set<String> covered = rows().stream().filter(r -> r.variant() == null).map(Row::operationId).collect(Collectors.toCollection(TreeSet::new));
    Set<String> missing = new TreeSet<>(operations);
    missing.removeAll(covered);
    Set<String> unknown = new TreeSet<>(rows().stream().map(Row::operationId).toList());
    unknown.removeAll(operations);
    assertThat(missing).as("operations of openapi.yaml without a row in the matrix").isEmpty();
    assertThat(unknown).as("rows for operations the contract does not have").isEmpty();
  }

  @TestFactory
  Stream<DynamicTest> everyRoleGetsExactlyItsStatus() {
    return rows().stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> {
      Operation op = contract.operation(row.operationId());
      assertThat(op).as("operation %s in the contract", row.operationId()).isNotNull();
      Object permission = op.getExtensions().get("x-permission");
      String held = permission == null ? MODERATE : permission.toString();
      List<String> wrong = new ArrayList<>();
      Map<Role, String> seen = new EnumMap<>(Role.class);
      for (Role role : Role.values()) {
        String token = ctx.token(role, held, row.freshSession());
        Req req = row.target().build(ctx, role);
        String path = op.getOpenAPIPath();
        for (Map.Entry<String, String> p : req.params().entrySet()) {
          path = path.replace("{" + p.getKey() + "}", p.getValue());
        }
        assertThat(path).as("every path parameter of %s is given", row.name()).doesNotContain("{");
        Http.Response r = req.body() == AVATAR
            ? http.multipart(op.getHttpMethod().name(), path, token, "file", "a.png", "image/png", Ctx.PNG, Map.of())
            : req.body() == BANNER
            ? http.multipart(op.getHttpMethod().name(), path, token, "file", "a.png", "image/png", Ctx.PNG, Map.of("text", "matrix banner"))
            : req.body() == STREAM ? http.streamHead(op.getHttpMethod().name(), path, token, Map.of())
            : http.send(op.getHttpMethod().name(), path, req.body() == null ? null : req.body().toString(), token,
                req.body() == null ? Map.of() : Map.of("Content-Type", "application/json"));
        int want = row.expected()[role.ordinal()];
        seen.put(role, Integer.toString(r.status()));
        if (r.status() != want) {
          wrong.add(role + " got " + r.status() + " (want " + want + "): " + abbreviate(r.body()));
        }
      }
      assertThat(wrong).as("%s %s %s: %s", row.name(), op.getHttpMethod(), op.getOpenAPIPath(), seen).isEmpty();
    }));
  }

  private static String abbreviate(String body) {
    return body == null || body.length() < 200 ? body : body.substring(0, 200) + "…";
  }

  /** The accounts of the roles and the fresh targets each call asks for. */
  static final class Ctx {

    static final byte[] PNG = png();

    final String adminToken;
    final String adminId;
    final String adminGroupId;
    final String memberGroupId;
    final String participantId;
    private final Map<Role, Accounts.Account> accounts = new EnumMap<>(Role.class);
    private final Map<String, Accounts.Account> holders = new HashMap<>();
    private final Map<String, String> groupsFor = new HashMap<>();
    private int counter;
    private String direct;
    private String group;

    Ctx() {
      JsonObject login = Accounts.login(http, Accounts.ADMIN, Accounts.ADMIN_PASSWORD);
      adminToken = login.getString("accessToken");
      adminId = login.getJsonObject("user").getString("id");
      accounts.put(Role.MEMBER, Accounts.signUp(http, "mx-member"));
      accounts.put(Role.PARTICIPANT, Accounts.signUp(http, "mx-participant"));
      accounts.put(Role.OWNER, Accounts.signUp(http, "mx-owner"));
      accounts.put(Role.SUPERUSER, new Accounts.Account(adminId, Accounts.ADMIN, adminToken));
      Accounts.register(http, "mx-bystander", "password-mx-bystander");
      participantId = accounts.get(Role.PARTICIPANT).id();
      JsonArray groups = http.get("/api/admin/groups?limit=200", adminToken).items();
      adminGroupId = groupId(groups, "admin");
      memberGroupId = groupId(groups, "member");
    }

    private static String groupId(JsonArray groups, String name) {
      return groups.stream().map(JsonObject.class::cast).filter(g -> name.equals(g.getString("name"))).findFirst().orElseThrow().getString("id");
    }

    String unique(String prefix) {
      return "mx-" + prefix + "-" + (++counter);
    }

    String password(Role role) {
      if (role == Role.SUPERUSER) {
        return Accounts.ADMIN_PASSWORD;
      }
      return role == Role.ANONYMOUS ? "irrelevant-password" : "password-" + username(role);
    }

    private String username(Role role) {
      return role == Role.HOLDER ? lastHolder.username() : accounts.get(role).username();
    }

    /** The holder of the row being called (set by {@link #token}, which each call asks for first). */
    private Accounts.Account lastHolder;

    /** The token a role calls with (a fresh session when the call ends its session). */
    String token(Role role, String permission, boolean freshSession) {
      if (role == Role.ANONYMOUS) {
        return null;
      }
      Accounts.Account account = role == Role.HOLDER ? holder(permission) : accounts.get(role);
      if (!freshSession) {
        return account.token();
      }
      return Accounts.token(http, account.username(), role == Role.SUPERUSER ? Accounts.ADMIN_PASSWORD : "password-" + account.username());
    }

    String self(Role role) {
      return role == Role.ANONYMOUS ? accounts.get(Role.MEMBER).id() : role == Role.HOLDER ? lastHolder.id() : accounts.get(role).id();
    }

    /** A plain member holding exactly {@code permission} besides what every member holds. */
    private Accounts.Account holder(String permission) {
      Accounts.Account account = holders.computeIfAbsent(permission, p -> {
        String username = "mx-holder-" + p.replace('.', '-');
        Http.Response created = http.post("/api/admin/users", json("username", username, "password", "password-" + username,
            "groups", array("member", groupNamed(p))), adminToken);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return Accounts.account(http, username, "password-" + username);
      });
      lastHolder = account;
      return account;
    }

    /** A group granting exactly {@code permission}. */
    String groupNamed(String permission) {
      return groupsFor.computeIfAbsent(permission, p -> {
        String name = "exactly-" + p.replace('.', '-');
        Http.Response created = http.post("/api/admin/groups", json("name", name, "permissions", array(p)), adminToken);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return name;
      });
    }

    String plainUser() {
      String name = unique("plain");
      Http.Response created = http.post("/api/admin/users", json("username", name, "password", "password-" + name), adminToken);
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      return created.json().getString("id");
    }

    String freshGroup() {
      Http.Response created = http.post("/api/admin/groups", json("name", unique("group"), "permissions", array()), adminToken);
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      return created.json().getString("id");
    }

    /** A fresh registered module (no socket); answers its hash. */
    String freshModule() {
      Http.Response registered = http.post("/module/register", json("name", unique("module")), null);
      assertThat(registered.status()).as(registered.toString()).isEqualTo(200);
      return registered.json().getJsonObject("result").getString("hash");
    }

    String failedJob() {
      String id = java.util.UUID.randomUUID().toString();
      TestDb.execute(node, "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, last_error) VALUES ('" + id
          + "', 'retention', '{}', 'failed', 1, 1, 'matrix fixture')");
      return id;
    }

    /** A fresh notification of the role's user (of MEMBER for ANONYMOUS); answers its id. */
    String notificationOf(Role role) {
      String user = self(role);
      Http.Response sent = http.post("/api/admin/notifications", json("userIds", array(user), "title", "fixture"), adminToken);
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      return TestDb.query(node, "SELECT last_seq FROM notification_cursors WHERE user_id = '" + user + "'").get(0).get(0).toString();
    }

    /** A notification of a fresh user whose id no role's own notification has (its counter starts far ahead). */
    String othersNotification() {
      String user = plainUser();
      TestDb.execute(node, "INSERT INTO notification_cursors (user_id, last_seq) VALUES ('" + user + "', 1000000)");
      Http.Response sent = http.post("/api/admin/notifications", json("userIds", array(user), "title", "fixture"), adminToken);
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      return "1000001";
    }

    String refreshToken() {
      return Accounts.login(http, "mx-bystander", "password-mx-bystander").getString("refreshToken");
    }

    /** A fresh private room of OWNER with PARTICIPANT: seq 1 sent by PARTICIPANT, seq 2 by OWNER. */
    String room() {
      Accounts.Account owner = accounts.get(Role.OWNER);
      Http.Response created = http.post("/api/conversations", json("kind", "room", "name", unique("room"),
          "participants", array(participantId)), owner.token());
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String id = created.json().getString("id");
      send(id, accounts.get(Role.PARTICIPANT));
      send(id, owner);
      return id;
    }

    String direct() {
      if (direct == null) {
        Http.Response created = http.post("/api/conversations", json("kind", "direct", "participants", array(participantId)),
            accounts.get(Role.OWNER).token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        direct = created.json().getString("id");
        send(direct, accounts.get(Role.OWNER));
      }
      return direct;
    }

    long directMessageOfParticipant() {
      return send(direct(), accounts.get(Role.PARTICIPANT));
    }

    String group() {
      if (group == null) {
        Http.Response created = http.post("/api/conversations", json("kind", "group", "participants", array(participantId)),
            accounts.get(Role.OWNER).token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        group = created.json().getString("id");
        send(group, accounts.get(Role.PARTICIPANT));
      }
      return group;
    }

    private long send(String conversation, Accounts.Account from) {
      Http.Response sent = http.post("/api/conversations/" + conversation + "/messages", json("text", "fixture"), from.token());
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      return sent.json().getLong("seq");
    }

    private static byte[] png() {
      try {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
