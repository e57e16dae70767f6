package io.switchboard.modules;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 webhook alerts of module transitions (docs/modules.md, "Transitions"): a job of the queue
 * POSTs {@code {hash,name,online,at}} to SWITCHBOARD_NOTIFY_WEBHOOK_URL, retried like every webhook,
 * and the changes of one module within the coalescing window leave as one alert with the latest state.
 */
class ModuleAlertsTest {

  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  static Map<String, String> settings(AlertReceiver target, int coalesceSeconds) {
    Map<String, String> s = new HashMap<>();
    s.put("SWITCHBOARD_NOTIFY_WEBHOOK_URL", target.url());
    s.put("SWITCHBOARD_MODULE_ALERT_COALESCE_SECONDS", Integer.toString(coalesceSeconds));
    s.put("SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS", "5");
    s.put("SWITCHBOARD_MODULE_HEARTBEAT_FLUSH_MILLIS", "500");
    s.put("SWITCHBOARD_JOBS_POLL_MILLIS", "100");
    s.put("SWITCHBOARD_JOBS_BACKOFF_MILLIS", "200");
    return s;
  }

  static void assertAlert(JsonObject alert, String hash, String name, boolean online) {
    assertThat(alert.fieldNames()).as(alert.encode()).containsExactlyInAnyOrder("hash", "name", "online", "at");
    assertThat(alert.getString("hash")).isEqualTo(hash);
    assertThat(alert.getString("name")).isEqualTo(name);
    assertThat(alert.getBoolean("online")).as(alert.encode()).isEqualTo(online);
    assertThat(Instant.parse(alert.getString("at"))).isBefore(Instant.now().plusSeconds(5));
  }

  /** Coalescing off: the online change alerts at once; the target's 500 is retried and the second POST carries the same alert. */
  @Test
  void anAlertIsRetriedAfterA500() throws Exception {
    try (AlertReceiver target = new AlertReceiver(n -> n == 1 ? 500 : 200); TestNode node = TestNode.start(settings(target, 0))) {
      Http http = node.http();
      String admin = Accounts.adminToken(http);
      String name = "ma-retry";
      String hash = Modules.register(node.port(), name);
      Instant before = Instant.now().minusSeconds(2);
      try (ModuleClient m = ModuleClient.open(vertx, client, node.port(), hash).heartbeatEvery(500)) {
        Wait.until(Duration.ofSeconds(15), "two POSTs", () -> target.posts().size() >= 2);
        List<AlertReceiver.Post> posts = target.posts();
        for (AlertReceiver.Post p : posts) {
          assertThat(p.method()).isEqualTo("POST");
          assertThat(p.contentType()).startsWith("application/json");
          assertAlert(p.json(), hash, name, true);
          assertThat(Instant.parse(p.json().getString("at"))).isAfter(before);
        }
        assertThat(posts.get(1).json()).isEqualTo(posts.get(0).json());
        assertThat(posts.get(1).at() - posts.get(0).at()).as("the retry waits for its backoff (200 ms ± 20 %)").isGreaterThanOrEqualTo(150);

        // the job queue shows it done after two attempts
        Wait.until(Duration.ofSeconds(10), "the alert job done", () -> http.get("/api/admin/jobs?status=done", admin).items().stream()
            .map(o -> (JsonObject) o).anyMatch(j -> j.encode().contains(hash) && j.getInteger("attempts") == 2));
        // nothing more while the module stays online
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
          assertThat(target.posts()).hasSize(2);
          Thread.sleep(100);
        }
      }
      // going offline is a change of its own (coalescing off): one more alert, online false
      Wait.until(Duration.ofSeconds(15), "the offline alert", () -> target.posts().size() >= 3);
      assertAlert(target.posts().get(2).json(), hash, name, false);

      // deleting an online module is a change too
      String deleted = "ma-deleted";
      String deletedHash = Modules.register(node.port(), deleted);
      try (ModuleClient m = ModuleClient.open(vertx, client, node.port(), deletedHash).heartbeatEvery(500)) {
        Wait.until(Duration.ofSeconds(15), "the deleted module's online alert", () -> target.posts().size() >= 4);
        assertAlert(target.posts().get(3).json(), deletedHash, deleted, true);
        assertThat(http.delete("/api/modules/" + deletedHash, admin).status()).isEqualTo(204);
        assertThat(m.awaitClose().code()).isEqualTo(4404);
      }
      Wait.until(Duration.ofSeconds(15), "the deleted module's offline alert", () -> target.posts().size() >= 5);
      assertAlert(target.posts().get(4).json(), deletedHash, deleted, false);
    }
  }

  /** Five open/close cycles within 2 s under a 3 s window: one alert, 3 s after the first change, with the latest state (offline). */
  @Test
  void changesWithinTheWindowLeaveAsOneAlertWithTheLatestState() throws Exception {
    try (AlertReceiver target = new AlertReceiver(n -> 200); TestNode node = TestNode.start(settings(target, 3))) {
      String name = "ma-flappy";
      String hash = Modules.register(node.port(), name);
      long first = System.currentTimeMillis();
      long lastClose = 0;
      for (int i = 0; i < 5; i++) {
        ModuleClient m = ModuleClient.open(vertx, client, node.port(), hash);
        m.send(ModuleClient.HEARTBEAT);
        assertThat(m.next(5000)).isEqualTo(ModuleClient.CONFIRM);
        lastClose = System.currentTimeMillis();
        m.close();
        assertThat(m.awaitClose().code()).isNotEqualTo(4409);
        // each close is a change of its own: offline before the next open
        Modules.awaitOffline(node.port(), hash, Duration.ofSeconds(2));
        // the changes are spread over some 200 ms at least, so that the alert's time tells the last from the first
        // (on a fast machine the five cycles take less than 100 ms)
        Thread.sleep(50);
      }
      long lastChange = System.currentTimeMillis();
      assertThat(lastChange - first).as("the five cycles took under 2 s (else the test proves nothing)").isLessThan(2000);
      assertThat(lastClose - first).as("the last change well after the first").isGreaterThan(100);

      Wait.until(Duration.ofSeconds(10), "the coalesced alert", () -> !target.posts().isEmpty());
      AlertReceiver.Post alert = target.posts().get(0);
      assertAlert(alert.json(), hash, name, false);
      assertThat(alert.at() - first).as("the alert leaves the window's length after the first change").isGreaterThanOrEqualTo(2500);
      // it carries the time of the latest change, not the first
      assertThat(Instant.parse(alert.json().getString("at")).toEpochMilli()).as("at: the last close's time")
          .isGreaterThanOrEqualTo(lastClose - 20).isLessThanOrEqualTo(lastChange + 20);

      // and it stays one: no second alert within a further 2 s
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < deadline) {
        assertThat(target.posts()).as("one alert for the five cycles").hasSize(1);
        Thread.sleep(100);
      }

      // a change after the alert left opens a window of its own
      long reopened = System.currentTimeMillis();
      try (ModuleClient m = ModuleClient.open(vertx, client, node.port(), hash).heartbeatEvery(500)) {
        Wait.until(Duration.ofSeconds(10), "the next alert", () -> target.posts().size() >= 2);
        AlertReceiver.Post next = target.posts().get(1);
        assertAlert(next.json(), hash, name, true);
        assertThat(next.at() - reopened).isGreaterThanOrEqualTo(2500);
      }
    }
  }

  /** Without SWITCHBOARD_NOTIFY_WEBHOOK_URL no alert job is queued. */
  @Test
  void noWebhookUrlNoAlertJobs() throws Exception {
    try (TestNode node = TestNode.start(Map.of("SWITCHBOARD_JOBS_POLL_MILLIS", "100", "SWITCHBOARD_MODULE_ALERT_COALESCE_SECONDS", "0"))) {
      Http http = node.http();
      String admin = Accounts.adminToken(http);
      String hash = Modules.register(node.port(), "ma-quiet");
      try (ModuleClient m = ModuleClient.open(vertx, client, node.port(), hash)) {
        m.send(ModuleClient.HEARTBEAT);
        assertThat(m.next(5000)).isEqualTo(ModuleClient.CONFIRM);
      }
      Modules.awaitOffline(node.port(), hash, Duration.ofSeconds(5));
      for (String status : List.of("queued", "running", "done", "failed")) {
        assertThat(http.get("/api/admin/jobs?status=" + status, admin).items().stream().map(o -> ((JsonObject) o).encode()))
            .as(status).noneMatch(j -> j.contains(hash));
      }
    }
  }
}
