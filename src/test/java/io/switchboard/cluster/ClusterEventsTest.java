package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TcpProxy;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes sharing Postgres and Redis: node-wide events made on one node take effect on the other. */
class ClusterEventsTest {

  static TcpProxy redis;
  static TestNode a;
  static TestNode b;

  @BeforeAll
  static void start() throws Exception {
    redis = new TcpProxy(TestRedis.url());
    Map<String, String> cluster = Map.of("SWITCHBOARD_REDIS_URL", redis.url(), "SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix());
    a = TestNode.start(cluster);
    b = TestNode.startPeer(a, Map.of());
    Wait.until(Duration.ofSeconds(10), "both nodes ready", () -> a.http().get("/health/ready").status() == 200
        && b.http().get("/health/ready").status() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    redis.close();
  }

  @Test
  void logoutOnOneNodeEndsTheTokenOnTheOtherAtOnce() {
    String token = Accounts.signUp(a.http(), "roamer").token();
    assertThat(b.http().get("/api/me", token).status()).isEqualTo(200);
    assertThat(b.http().post("/api/auth/logout", new JsonObject(), token).status()).isEqualTo(204);
    Wait.until(Duration.ofSeconds(2), "node A refuses the ended session", () -> a.http().get("/api/me", token).status() == 401);
  }

  @Test
  void permissionGrantedOnOneNodeIsHonouredOnTheOther() {
    String admin = Accounts.adminToken(a.http());
    String member = Accounts.signUp(a.http(), "auditor").token();
    assertThat(b.http().get("/api/admin/audit", member).status()).isEqualTo(403);
    JsonObject memberGroup = a.http().get("/api/admin/groups", admin).items().stream().map(o -> (JsonObject) o)
        .filter(g -> g.getString("name").equals("member")).findFirst().orElseThrow();
    Http.Response granted = a.http().put("/api/admin/groups/" + memberGroup.getString("id") + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("rooms.create").add("audit.view")), admin);
    assertThat(granted.status()).isEqualTo(200);
    Wait.until(Duration.ofSeconds(2), "node B honours the grant", () -> b.http().get("/api/admin/audit", member).status() == 200);
    a.http().put("/api/admin/groups/" + memberGroup.getString("id") + "/permissions",
        new JsonObject().put("permissions", new JsonArray().add("rooms.create")), admin);
    Wait.until(Duration.ofSeconds(2), "node B honours the removal", () -> b.http().get("/api/admin/audit", member).status() == 403);
  }

  @Test
  void readinessFollowsTheRedisLinkAndItComesBack() {
    redis.cut();
    try {
      Wait.until(Duration.ofSeconds(5), "node A reports not ready", () -> a.http().get("/health/ready").status() == 503);
      Http.Response r = a.http().get("/health/ready");
      assertThat(r.json().getJsonObject("checks").getString("redis")).isEqualTo("down");
      assertThat(r.json().getJsonObject("checks").getString("postgres")).isEqualTo("up");
      // the node keeps serving its own clients meanwhile
      assertThat(a.http().post("/api/auth/register", new JsonObject().put("username", "during-outage").put("password", "outage-password")).status())
          .isEqualTo(201);
    } finally {
      redis.restore();
    }
    Wait.until(Duration.ofSeconds(15), "node A ready again", () -> a.http().get("/health/ready").status() == 200);
    String token = Accounts.token(a.http(), "during-outage", "outage-password");
    assertThat(a.http().post("/api/auth/logout", new JsonObject(), token).status()).isEqualTo(204);
    Wait.until(Duration.ofSeconds(2), "revocations flow again after the outage", () -> b.http().get("/api/me", token).status() == 401);
  }
}
