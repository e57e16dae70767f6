package io.switchboard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Schedules on two nodes sharing Postgres: each tick runs on exactly one node; changes apply everywhere. */
class SchedulesTest {

  static TestNode a;
  static TestNode b;
  static String admin;

  @BeforeAll
  static void start() {
    Map<String, String> fast = Map.of("SWITCHBOARD_JOBS_POLL_MILLIS", "100");
    a = TestNode.start(fast);
    b = TestNode.startPeer(a, fast);
    admin = Accounts.adminToken(a.http());
  }

  @AfterAll
  static void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  void everyTickRunsOnceAcrossTheCluster() throws Exception {
    Http http = a.http();
    // Change it through node B: node A must follow without a restart.
    Http.Response changed = b.http().patch("/api/admin/schedules/auth.purge", new JsonObject().put("intervalSeconds", 1).put("enabled", true), admin);
    assertThat(changed.status()).isEqualTo(200);
    long before = runs("auth.purge");
    long started = System.currentTimeMillis();
    Thread.sleep(10_000); // the property under test is what happens over ten seconds of ticks
    assertThat(http.patch("/api/admin/schedules/auth.purge", new JsonObject().put("enabled", false), admin).status()).isEqualTo(200);
    long elapsed = System.currentTimeMillis() - started;
    long ran = runs("auth.purge") - before;
    assertThat(ran).isBetween(elapsed / 1000 - 2, elapsed / 1000 + 1);

    List<List<Object>> ticks = TestDb.query(a, "SELECT tick_at, node FROM schedule_runs WHERE schedule = 'auth.purge' ORDER BY tick_at");
    for (int i = 1; i < ticks.size(); i++) {
      var prev = ((java.sql.Timestamp) ticks.get(i - 1).get(0)).toInstant();
      var cur = ((java.sql.Timestamp) ticks.get(i).get(0)).toInstant();
      assertThat(Duration.between(prev, cur).toMillis()).as("ticks one interval apart").isGreaterThanOrEqualTo(990);
    }
    long runCount = http.get("/api/admin/schedules", admin).items().stream()
        .map(o -> (JsonObject) o).filter(s -> s.getString("name").equals("auth.purge")).findFirst().orElseThrow().getLong("runCount");
    assertThat(runCount).as("one claim per recorded tick").isEqualTo(ticks.size());
    Wait.until(Duration.ofSeconds(5), "outcome recorded", () -> schedule("auth.purge").getString("lastOutcome") != null);
    assertThat(schedule("auth.purge").getString("lastOutcome")).startsWith("ok");
  }

  @Test
  void runNowMakesATickDueOnOneNode() {
    long before = runs("jobs.purge");
    Http.Response r = a.http().post("/api/admin/schedules/jobs.purge/run", null, admin);
    assertThat(r.status()).isEqualTo(202);
    Wait.until(Duration.ofSeconds(5), "jobs.purge ran", () -> runs("jobs.purge") == before + 1);
    assertThat(schedule("jobs.purge").getString("lastRunNode")).isIn(a.node().context().nodeId(), b.node().context().nodeId());
  }

  @Test
  void cronSchedulesGetTheirNextRun() {
    Http.Response r = a.http().patch("/api/admin/schedules/jobs.purge", new JsonObject().put("cron", "*/5 * * * *"), admin);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("cron")).isEqualTo("*/5 * * * *");
    assertThat(r.json().getValue("intervalSeconds")).isNull();
    OffsetDateTime next = OffsetDateTime.parse(r.json().getString("nextRunAt"));
    assertThat(next.getMinute() % 5).isZero();
    assertThat(next).isAfter(OffsetDateTime.now().minusSeconds(1));
    a.http().patch("/api/admin/schedules/jobs.purge", new JsonObject().put("intervalSeconds", 3600), admin);
  }

  @Test
  void badChangesAreRefused() {
    Http http = a.http();
    assertThat(http.patch("/api/admin/schedules/auth.purge", new JsonObject().put("cron", "every minute"), admin).errorCode()).isEqualTo("validation_failed");
    Http.Response zero = http.patch("/api/admin/schedules/auth.purge", new JsonObject().put("intervalSeconds", 0), admin);
    assertThat(zero.status()).isEqualTo(400);
    assertThat(zero.json().getJsonObject("error").getString("message")).contains("intervalSeconds");
    assertThat(http.patch("/api/admin/schedules/auth.purge", new JsonObject().put("intervalSeconds", 1_000_000_000), admin).status()).isEqualTo(400);
    assertThat(http.patch("/api/admin/schedules/auth.purge", new JsonObject().put("intervalSeconds", 5).put("cron", "* * * * *"), admin).status()).isEqualTo(400);
    assertThat(http.patch("/api/admin/schedules/no.such", new JsonObject().put("enabled", true), admin).status()).isEqualTo(404);
    assertThat(http.post("/api/admin/schedules/no.such/run", null, admin).status()).isEqualTo(404);
    String member = Accounts.signUp(http, "scheduler-member").token();
    assertThat(http.get("/api/admin/schedules", member).status()).isEqualTo(403);
    assertThat(http.get("/api/admin/schedules").status()).isEqualTo(401);
  }

  private static long runs(String name) {
    return (Long) TestDb.query(a, "SELECT count(*) FROM schedule_runs WHERE schedule = '" + name + "'").get(0).get(0);
  }

  private static JsonObject schedule(String name) {
    return a.http().get("/api/admin/schedules", admin).items().stream().map(o -> (JsonObject) o)
        .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow();
  }
}
