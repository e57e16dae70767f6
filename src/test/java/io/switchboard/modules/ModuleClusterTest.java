package io.switchboard.modules;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TcpProxy;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 modules across two nodes over Redis (docs/modules.md, "Across nodes"): a second socket on
 * the other node replaces the first, commands and deletes reach the holding node, and the modules of
 * a node that died go offline through {@code modules.expire} while the others' stay online.
 */
class ModuleClusterTest {

  static final int TIMEOUT_SECONDS = 2;
  static final int FLUSH_MILLIS = 300;
  static final int EXPIRE_SECONDS = 1;
  static final int COMMAND_TIMEOUT_MILLIS = 1500;

  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static String aId;
  static String bId;
  static String admin;
  static Vertx vertx;
  static WebSocketClient client;
  static int counter;

  @BeforeAll
  static void start() {
    startOn(Map.of());
  }

  /** Two nodes on the Redis that {@code redis} (its settings) names; the test Redis when empty. */
  static void startOn(Map<String, String> redis) {
    aId = "mod-a-" + System.nanoTime();
    Map<String, String> settings = new java.util.HashMap<>(redis);
    settings.putAll(Map.of(
        "SWITCHBOARD_NODE_ID", aId,
        "SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS", Integer.toString(TIMEOUT_SECONDS),
        "SWITCHBOARD_MODULE_HEARTBEAT_FLUSH_MILLIS", Integer.toString(FLUSH_MILLIS),
        "SWITCHBOARD_MODULE_COMMAND_TIMEOUT_MILLIS", Integer.toString(COMMAND_TIMEOUT_MILLIS),
        "SWITCHBOARD_JOBS_POLL_MILLIS", "100"));
    cluster = TestCluster.start(settings);
    a = cluster.a();
    b = cluster.b();
    bId = b.settings().get("SWITCHBOARD_NODE_ID");
    admin = Accounts.adminToken(a.http());
    Http.Response r = a.http().patch("/api/admin/schedules/modules.expire", new JsonObject().put("intervalSeconds", EXPIRE_SECONDS), admin);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static String name(String what) {
    return "mc-" + what + "-" + (++counter);
  }

  static ModuleClient alive(TestNode node, String hash) {
    return ModuleClient.open(vertx, client, node.port(), hash).heartbeatEvery(400);
  }

  static JsonObject nextModuleFrame(ChatClient socket, String hash) {
    return socket.next(f -> "module".equals(f.getString("type")) && hash.equals(f.getString("hash")), "module " + hash);
  }

  @Test
  void aSecondSocketOnTheOtherNodeReplacesTheFirstWith4409() {
    String name = name("replace");
    String hash = Modules.register(a.port(), name);
    try (ChatClient adminOnB = NotificationSockets.open(client, b.port(), admin, null);
        ModuleClient onA = alive(a, hash)) {
      // the module frame of a socket opened on A reaches an admin on B
      assertThat(nextModuleFrame(adminOnB, hash))
          .isEqualTo(new JsonObject().put("type", "module").put("hash", hash).put("name", name).put("online", true));
      assertThat(Modules.onlineEntry(b.port(), hash).getString("node")).isEqualTo(aId);

      try (ModuleClient onB = alive(b, hash)) {
        assertThat(onA.awaitClose().code()).isEqualTo(4409);
        JsonObject entry = Modules.onlineEntry(a.port(), hash);
        assertThat(entry.getBoolean("online")).isTrue();
        assertThat(entry.getString("node")).isEqualTo(bId);
        assertThat(Modules.onlineEntry(b.port(), hash).getString("node")).isEqualTo(bId);
        // the replacement keeps working: its heartbeats are confirmed, and it stays online past the timeout
        int confirms = onB.confirms();
        Wait.until(Duration.ofSeconds(TIMEOUT_SECONDS * 2L + 1), "confirms past the timeout", () -> onB.confirms() >= confirms + 6);
        assertThat(onB.isClosed()).isFalse();
        assertThat(Modules.onlineEntry(a.port(), hash).getString("node")).isEqualTo(bId);
      }
      // no offline/online was announced for the replacement: the next frame of this module is the final offline
      assertThat(nextModuleFrame(adminOnB, hash))
          .isEqualTo(new JsonObject().put("type", "module").put("hash", hash).put("name", name).put("online", false));
      Modules.awaitOffline(a.port(), hash, Duration.ofSeconds(10));
    }
  }

  @Test
  void aCommandSentThroughOneNodeReachesTheModuleOnTheOther() {
    String hash = Modules.register(a.port(), name("cmd"));
    try (ModuleClient onA = alive(a, hash)) {
      String holder = Modules.onlineEntry(b.port(), hash).getString("node");
      assertThat(holder).isEqualTo(aId);
      JsonObject payload = new JsonObject().put("run", "now");
      Http.Response r = b.http().post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", payload), admin);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.json().getString("node")).isEqualTo(holder);
      assertThat(r.json().getString("deliveredAt")).isNotBlank();
      JsonObject frame = new JsonObject(onA.next(5000));
      assertThat(frame.getString("type")).isEqualTo("command");
      assertThat(frame.getValue("id")).isEqualTo(r.json().getValue("id"));
      assertThat(frame.getJsonObject("payload")).isEqualTo(payload);
    }
    Modules.awaitOffline(b.port(), hash, Duration.ofSeconds(10));
    Http.Response offline = b.http().post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", 1), admin);
    assertThat(offline.status()).as(offline.toString()).isEqualTo(404);
    assertThat(offline.errorCode()).isEqualTo("not_found");
  }

  /**
   * Module frames go to who holds modules.view at that moment: a member granted it through a group
   * gets them on B; once the group loses it (changed through A), the member's socket on B gets none.
   */
  @Test
  void moduleFramesFollowTheViewPermissionAsItIsNowOnEveryNode() {
    Http onA = a.http();
    Accounts.Account viewer = Accounts.signUp(onA, name("viewer"));
    String groupName = name("viewers");
    Http.Response g = onA.post("/api/admin/groups", new JsonObject().put("name", groupName)
        .put("permissions", new io.vertx.core.json.JsonArray().add("modules.view")), admin);
    assertThat(g.status()).as(g.toString()).isEqualTo(201);
    String groupId = g.json().getString("id");
    Http.Response set = onA.put("/api/admin/users/" + viewer.id() + "/groups",
        new JsonObject().put("groups", new io.vertx.core.json.JsonArray().add("member").add(groupName)), admin);
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    Wait.until(Duration.ofSeconds(10), "modules.view honoured on B", () -> b.http().get("/api/modules", viewer.token()).status() == 200);

    String seenName = name("seen");
    String seen = Modules.register(a.port(), seenName);
    String unseen = Modules.register(a.port(), name("unseen"));
    try (ChatClient viewerOnB = NotificationSockets.open(client, b.port(), viewer.token(), null);
        ChatClient adminOnB = NotificationSockets.open(client, b.port(), admin, null)) {
      try (ModuleClient m = alive(a, seen)) {
        assertThat(nextModuleFrame(viewerOnB, seen))
            .isEqualTo(new JsonObject().put("type", "module").put("hash", seen).put("name", seenName).put("online", true));
      }
      assertThat(nextModuleFrame(viewerOnB, seen).getBoolean("online")).isFalse();

      Http.Response revoked = onA.put("/api/admin/groups/" + groupId + "/permissions",
          new JsonObject().put("permissions", new io.vertx.core.json.JsonArray()), admin);
      assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
      Wait.until(Duration.ofSeconds(10), "the revocation honoured on B", () -> b.http().get("/api/modules", viewer.token()).status() == 403);

      try (ModuleClient m = alive(a, unseen)) {
        assertThat(nextModuleFrame(adminOnB, unseen).getBoolean("online")).isTrue();
      }
      assertThat(nextModuleFrame(adminOnB, unseen).getBoolean("online")).isFalse();
      // the viewer's socket is live, and no module frame came before this notification
      NotificationSockets.send(onA, admin, NotificationSockets.toUsers(viewer.id()), "after the revocation");
      JsonObject first = viewerOnB.next(f -> "module".equals(f.getString("type")) || "notification".equals(f.getString("type")),
          "module or notification");
      assertThat(first.getString("type")).as(first.encode()).isEqualTo("notification");
    }
  }

  @Test
  void aDeleteThroughOneNodeClosesTheSocketOnTheOtherWith4404() {
    String hash = Modules.register(a.port(), name("delete"));
    try (ModuleClient onB = alive(b, hash)) {
      Http.Response r = a.http().delete("/api/modules/" + hash, admin);
      assertThat(r.status()).as(r.toString()).isEqualTo(204);
      assertThat(onB.awaitClose().code()).isEqualTo(4404);
    }
    Modules.assertEnvelope(Modules.get(b.port(), "/module/online?hash=" + hash), Modules.UNKNOWN);
  }

  /** Two sockets of one module opened at the same moment on A and B: one replaces the other, and the survivor holds it. */
  @Test
  void simultaneousSocketsOnBothNodesLeaveExactlyOneHolder() throws Exception {
    for (int round = 0; round < 4; round++) {
      String hash = Modules.register(a.port(), name("race"));
      CompletableFuture<ModuleClient> onA = CompletableFuture.supplyAsync(() -> alive(a, hash));
      CompletableFuture<ModuleClient> onB = CompletableFuture.supplyAsync(() -> alive(b, hash));
      try (ModuleClient ma = onA.get(30, TimeUnit.SECONDS); ModuleClient mb = onB.get(30, TimeUnit.SECONDS)) {
        try {
          Wait.until(Duration.ofSeconds(10), "one of the two replaced", () -> ma.isClosed() || mb.isClosed());
        } catch (AssertionError e) {
          throw new AssertionError("round " + round + ": both sockets still open after 10 s (expected one closed with 4409); "
              + "the module's row names node " + Modules.onlineEntry(a.port(), hash).getString("node") + " (A = " + aId + ", B = " + bId
              + "); confirms on A " + ma.confirms() + ", on B " + mb.confirms(), e);
        }
        ModuleClient loser = ma.isClosed() ? ma : mb;
        ModuleClient winner = loser == ma ? mb : ma;
        String winnerNode = winner == ma ? aId : bId;
        assertThat(loser.awaitClose().code()).isEqualTo(4409);
        // the winner keeps its socket (no late close order reaches it) and holds the module
        int confirms = winner.confirms();
        Wait.until(Duration.ofSeconds(TIMEOUT_SECONDS * 2L + 1), "the winner's heartbeats confirmed", () -> winner.confirms() >= confirms + 3);
        assertThat(winner.isClosed()).as("round " + round).isFalse();
        assertThat(Modules.onlineEntry(a.port(), hash).getString("node")).as("round " + round).isEqualTo(winnerNode);
      }
    }
  }

  /**
   * A node stopped gracefully, with its database and Redis still there: its module socket closes
   * with 1012, and the module goes offline then (the socket closed), announced to an admin on A, not
   * only later through modules.expire (switched off for this test).
   */
  @Test
  void aGracefulStopSetsItsModulesOfflineAsTheirSocketsClose() throws Exception {
    Http.Response off = a.http().patch("/api/admin/schedules/modules.expire", new JsonObject().put("enabled", false), admin);
    assertThat(off.status()).as(off.toString()).isEqualTo(200);
    try {
      String name = name("graceful");
      String hash = Modules.register(a.port(), name);
      String keeperHash = Modules.register(a.port(), name("keeper"));
      ModuleClient keeper = alive(a, keeperHash);
      TestNode c = TestNode.startPeer(a, Map.of());
      boolean stopped = false;
      try (keeper; ChatClient adminOnA = NotificationSockets.open(client, a.port(), admin, null)) {
        Wait.until(Duration.ofSeconds(20), "node C ready", () -> c.http().get("/health/ready").status() == 200);
        // a node starting sets nothing offline: A's module is untouched
        assertThat(keeper.isClosed()).isFalse();
        assertThat(Modules.onlineEntry(c.port(), keeperHash).getString("node")).isEqualTo(aId);
        ModuleClient m = alive(c, hash);
        assertThat(nextModuleFrame(adminOnA, hash).getBoolean("online")).isTrue();
        c.close();
        stopped = true;
        assertThat(m.awaitClose().code()).isEqualTo(1012);
        Modules.awaitOffline(a.port(), hash, Duration.ofSeconds(TIMEOUT_SECONDS + 3));
        assertThat(nextModuleFrame(adminOnA, hash))
            .isEqualTo(new JsonObject().put("type", "module").put("hash", hash).put("name", name).put("online", false));
      } finally {
        if (!stopped) {
          c.close();
        }
      }
    } finally {
      Http.Response on = a.http().patch("/api/admin/schedules/modules.expire",
          new JsonObject().put("enabled", true).put("intervalSeconds", EXPIRE_SECONDS), admin);
      assertThat(on.status()).as(on.toString()).isEqualTo(200);
    }
  }

  /**
   * Whether the dying node's Redis can be cut away from it alone: a TCP proxy stands for one Redis,
   * not for a Redis Cluster, whose slot map names the masters' own addresses.
   */
  boolean redisCanBeCut() {
    return true;
  }

  /**
   * TestNode has only a graceful stop, so the dying node is made to die for the cluster first: it runs
   * behind TCP proxies of its own to Postgres and (where {@link #redisCanBeCut}) Redis, which are cut
   * before it stops. Whatever it does on its way out (setting its modules offline) reaches no one;
   * only the {@code modules.expire} schedule of the survivors can set its module offline.
   */
  @Test
  void theModulesOfADeadNodeGoOfflineThroughExpiryWhileTheOthersStayOnline() throws Exception {
    String pgUrl = a.settings().get("SWITCHBOARD_PG_URL");
    URI pg = URI.create(pgUrl);
    String pgTarget = "postgresql://" + pg.getHost() + ":" + (pg.getPort() < 0 ? 5432 : pg.getPort());
    String deadName = name("dies");
    String deadHash = Modules.register(a.port(), deadName);
    String survivorHash = Modules.register(a.port(), name("survives"));
    try (TcpProxy ownPg = new TcpProxy(pgTarget); TcpProxy ownRedis = redisCanBeCut() ? new TcpProxy(TestRedis.url()) : null) {
      String proxiedPg = "postgresql://" + (pg.getRawUserInfo() == null ? "" : pg.getRawUserInfo() + "@") + "127.0.0.1:"
          + URI.create(ownPg.url()).getPort() + pg.getRawPath();
      Map<String, String> own = new java.util.HashMap<>(Map.of("SWITCHBOARD_PG_URL", proxiedPg));
      if (ownRedis != null) {
        own.put("SWITCHBOARD_REDIS_URL", ownRedis.url());
      }
      TestNode c = TestNode.startPeer(a, own);
      boolean stopped = false;
      try (ModuleClient survivor = alive(a, survivorHash); ChatClient adminOnB = NotificationSockets.open(client, b.port(), admin, null)) {
        Wait.until(Duration.ofSeconds(20), "node C ready", () -> c.http().get("/health/ready").status() == 200);
        String cId = c.settings().get("SWITCHBOARD_NODE_ID");
        ModuleClient doomed = alive(c, deadHash);
        assertThat(Modules.onlineEntry(a.port(), deadHash).getString("node")).isEqualTo(cId);
        // lastHeartbeat written by C at least once
        Wait.until(Duration.ofSeconds(5), "a heartbeat of the doomed module confirmed", () -> doomed.confirms() >= 2);

        if (ownRedis != null) {
          // C no longer hears its inbox: a command for its module is not confirmed, 504 after the command timeout
          ownRedis.cut();
          long asked = System.nanoTime();
          Http.Response unconfirmed = a.http().post("/api/modules/" + deadHash + "/commands", new JsonObject().put("payload", "ping"), admin);
          assertThat(unconfirmed.status()).as(unconfirmed.toString()).isEqualTo(504);
          assertThat(unconfirmed.errorCode()).isEqualTo("module_timeout");
          assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(COMMAND_TIMEOUT_MILLIS - 100));
        }

        ownPg.cut();
        // without its database C answers the old clients with the 5000 envelope, still HTTP 200
        Modules.assertEnvelope(Modules.get(c.port(), "/module/online"), "{\"code\":\"5000\",\"message\":\"server error\",\"result\":null}");
        Modules.assertEnvelope(Modules.get(c.port(), "/module/register?name=" + name("nodb")),
            "{\"code\":\"5000\",\"message\":\"server error\",\"result\":null}");
        long died = System.nanoTime();
        c.close();
        stopped = true;
        assertThat(doomed.awaitClose().code()).as("a node stopping closes module sockets with 1012").isEqualTo(1012);

        // expiry: timeout + flush + expire interval, with room for the job poll and a slow machine
        Duration bound = Duration.ofMillis(TIMEOUT_SECONDS * 1000L + FLUSH_MILLIS + EXPIRE_SECONDS * 1000L + 4000);
        Modules.awaitOffline(a.port(), deadHash, bound.plusSeconds(5));
        assertThat(Modules.isOnline(b.port(), deadHash)).isFalse();
        // the expiry is a change like any other: announced on every node (online first, from C while it lived)
        assertThat(nextModuleFrame(adminOnB, deadHash).getBoolean("online")).isTrue();
        assertThat(nextModuleFrame(adminOnB, deadHash))
            .isEqualTo(new JsonObject().put("type", "module").put("hash", deadHash).put("name", deadName).put("online", false));
        assertThat(Modules.managed(b.http(), admin, deadName).getBoolean("online")).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - died)).as("offline within timeout + flush + expire interval (+ slack)").isLessThan(bound);

        // the survivor on A was never touched: still online, held by A, its heartbeats still confirmed
        int confirms = survivor.confirms();
        Wait.until(Duration.ofSeconds(5), "survivor's heartbeats confirmed", () -> survivor.confirms() >= confirms + 3);
        assertThat(survivor.isClosed()).isFalse();
        JsonObject entry = Modules.onlineEntry(b.port(), survivorHash);
        assertThat(entry.getString("node")).isEqualTo(aId);
      } finally {
        if (!stopped) {
          c.close();
        }
      }
    }
  }
}
