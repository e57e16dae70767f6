package io.switchboard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The messages.retention schedule trims conversations to maxMessages and to maxAgeSeconds. */
class RetentionTest {

  static TestNode node;
  static Http http;
  static String admin;
  static String owner;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_JOBS_POLL_MILLIS", "100", "SWITCHBOARD_RATE_BURST", "1000",
        "SWITCHBOARD_RATE_PER_SECOND", "1000"));
    http = node.http();
    admin = Accounts.adminToken(http);
    owner = Accounts.signUp(http, "keeper-of-rooms").token();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void trimsToMaxMessages() {
    String id = conversation();
    for (int i = 1; i <= 12; i++) {
      send(id, "message " + i);
    }
    assertThat(retention(id, new JsonObject().put("maxMessages", 5)).status()).isEqualTo(200);
    runRetention();
    Wait.until(Duration.ofSeconds(5), "trimmed to 5", () -> seqs(id).size() == 5);
    assertThat(seqs(id)).containsExactly(8L, 9L, 10L, 11L, 12L);
    send(id, "message 13");
    runRetention();
    Wait.until(Duration.ofSeconds(5), "still 5", () -> seqs(id).equals(List.of(9L, 10L, 11L, 12L, 13L)));
  }

  @Test
  void trimsToMaxAge() throws Exception {
    String id = conversation();
    String untouched = conversation();
    send(id, "old 1");
    send(id, "old 2");
    send(untouched, "kept forever");
    Thread.sleep(2_100); // the first messages must be older than the two-second limit set below
    send(id, "fresh");
    assertThat(retention(id, new JsonObject().put("maxAgeSeconds", 2)).status()).isEqualTo(200);
    runRetention();
    Wait.until(Duration.ofSeconds(5), "old messages purged", () -> seqs(id).equals(List.of(3L)));
    assertThat(seqs(untouched)).containsExactly(1L);
  }

  @Test
  void retentionJobsCanBeQueuedByHand() {
    String id = conversation();
    for (int i = 1; i <= 4; i++) {
      send(id, "m" + i);
    }
    retention(id, new JsonObject().put("maxMessages", 1));
    Http.Response job = http.post("/api/admin/jobs", new JsonObject().put("kind", "retention")
        .put("payload", new JsonObject().put("conversationId", id)), admin);
    assertThat(job.status()).isEqualTo(201);
    Wait.until(Duration.ofSeconds(5), "job trimmed the conversation", () -> seqs(id).equals(List.of(4L)));
  }

  private static String conversation() {
    Http.Response r = http.post("/api/conversations", new JsonObject().put("kind", "group").put("title", "retained")
        .put("participants", new JsonArray()), owner);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static void send(String id, String text) {
    Http.Response r = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", text), owner);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  private static Http.Response retention(String id, JsonObject retention) {
    return http.patch("/api/conversations/" + id, new JsonObject().put("retention", retention), owner);
  }

  private static void runRetention() {
    assertThat(http.post("/api/admin/schedules/messages.retention/run", null, admin).status()).isEqualTo(202);
  }

  private static List<Long> seqs(String id) {
    return http.get("/api/conversations/" + id + "/messages?limit=200", owner).items().stream()
        .map(o -> ((JsonObject) o).getLong("seq")).toList();
  }
}
