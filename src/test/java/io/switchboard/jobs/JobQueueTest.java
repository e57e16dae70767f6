package io.switchboard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.switchboard.testing.WebhookTarget;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The durable job queue through the admin API: retries with backoff, failure, retry by hand, leases. */
class JobQueueTest {

  static final Map<String, String> FAST = Map.of(
      "SWITCHBOARD_JOBS_POLL_MILLIS", "100",
      "SWITCHBOARD_JOBS_BACKOFF_MILLIS", "400",
      "SWITCHBOARD_JOBS_LEASE_SECONDS", "2",
      "SWITCHBOARD_WEBHOOK_TIMEOUT_MILLIS", "60000");

  @Test
  void failsTwiceThenSucceedsWithBackoff() throws Exception {
    try (TestNode node = TestNode.start(FAST); WebhookTarget target = new WebhookTarget(n -> n <= 2 ? 500 : 204)) {
      Http http = node.http();
      String admin = Accounts.adminToken(http);
      String id = enqueue(http, admin, target.url(), 5);
      JsonObject job = awaitStatus(http, admin, id, "done");
      assertThat(job.getInteger("attempts")).isEqualTo(3);
      List<Long> at = target.arrivals();
      assertThat(at).hasSize(3);
      // 400 ms then 800 ms, each with at most 20 % jitter
      assertThat(at.get(1) - at.get(0)).isGreaterThanOrEqualTo(320);
      assertThat(at.get(2) - at.get(1)).isGreaterThanOrEqualTo(640);
    }
  }

  @Test
  void lastFailureIsKeptAsFailedAndCanBeRetried() throws Exception {
    try (TestNode node = TestNode.start(FAST); WebhookTarget target = new WebhookTarget(n -> n <= 2 ? 500 : 200)) {
      Http http = node.http();
      String admin = Accounts.adminToken(http);
      String id = enqueue(http, admin, target.url(), 2);
      JsonObject failed = awaitStatus(http, admin, id, "failed");
      assertThat(failed.getInteger("attempts")).isEqualTo(2);
      assertThat(failed.getString("lastError")).contains("500");
      assertThat(http.get("/api/admin/jobs?status=failed", admin).items()).anyMatch(j -> ((JsonObject) j).getString("id").equals(id));

      Http.Response retried = http.post("/api/admin/jobs/" + id + "/retry", null, admin);
      assertThat(retried.status()).isEqualTo(200);
      assertThat(awaitStatus(http, admin, id, "done").getInteger("attempts")).isEqualTo(1);
      assertThat(http.post("/api/admin/jobs/" + id + "/retry", null, admin).status()).isEqualTo(409);
      assertThat(http.get("/health/ready").status()).isEqualTo(200);
    }
  }

  @Test
  void aJobOfADeadNodeIsFinishedByAnotherAfterItsLease() throws Exception {
    try (WebhookTarget target = new WebhookTarget(n -> n == 1 ? 0 : 200)) { // the first delivery hangs
      TestNode first = TestNode.start(FAST);
      String admin = Accounts.adminToken(first.http());
      String id = enqueue(first.http(), admin, target.url(), 5);
      Wait.until(Duration.ofSeconds(10), "the first node took the job", () -> target.arrivals().size() == 1);
      try (TestNode second = TestNode.startPeer(first, FAST)) {
        long stoppedAt = System.currentTimeMillis();
        first.close();
        JsonObject job = awaitStatus(second.http(), admin, id, "done");
        assertThat(job.getString("lockedBy")).isEqualTo(second.node().context().nodeId());
        assertThat(target.arrivals()).hasSize(2);
        assertThat(target.arrivals().get(1) - target.arrivals().get(0)).isGreaterThanOrEqualTo(1_500);
        assertThat(System.currentTimeMillis() - stoppedAt).isLessThan(20_000);
      }
    }
  }

  @Test
  void badJobsAreRefused() {
    try (TestNode node = TestNode.start(FAST)) {
      Http http = node.http();
      String admin = Accounts.adminToken(http);
      assertThat(http.post("/api/admin/jobs", new JsonObject().put("kind", "nonsense").put("payload", new JsonObject()), admin).status()).isEqualTo(400);
      Http.Response noUrl = http.post("/api/admin/jobs", new JsonObject().put("kind", "webhook").put("payload", new JsonObject()), admin);
      assertThat(noUrl.status()).isEqualTo(400);
      assertThat(noUrl.json().getJsonObject("error").getString("message")).contains("url");
      assertThat(http.post("/api/admin/jobs", new JsonObject().put("kind", "webhook")
          .put("payload", new JsonObject().put("url", "ftp://example")), admin).status()).isEqualTo(400);
      assertThat(http.get("/api/admin/jobs?status=sleeping", admin).status()).isEqualTo(400);
      assertThat(http.get("/api/admin/jobs?limit=0", admin).status()).isEqualTo(400);
      assertThat(http.get("/api/admin/jobs?limit=201", admin).status()).isEqualTo(400);
      assertThat(http.post("/api/admin/jobs/not-a-job/retry", null, admin).status()).isEqualTo(404);
      assertThat(http.post("/api/admin/jobs/00000000-0000-0000-0000-000000000000/retry", null, admin).status()).isEqualTo(404);
    }
  }

  private static String enqueue(Http http, String admin, String url, int maxAttempts) {
    Http.Response r = http.post("/api/admin/jobs", new JsonObject().put("kind", "webhook").put("maxAttempts", maxAttempts)
        .put("payload", new JsonObject().put("url", url).put("body", new JsonObject().put("hello", "world"))), admin);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject awaitStatus(Http http, String admin, String id, String status) {
    JsonObject[] found = new JsonObject[1];
    Wait.until(Duration.ofSeconds(20), "job " + id + " " + status, () -> {
      found[0] = http.get("/api/admin/jobs?status=" + status, admin).items().stream().map(o -> (JsonObject) o)
          .filter(j -> j.getString("id").equals(id)).findFirst().orElse(null);
      return found[0] != null;
    });
    return found[0];
  }
}
