package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recall is refused once SWITCHBOARD_RECALL_WINDOW_SECONDS has passed (a 1 s window here). */
class RecallWindowTest {

  static TestNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_RECALL_WINDOW_SECONDS", "1"));
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void recallAfterTheWindowIs409() throws InterruptedException {
    Account ann = Accounts.signUp(http, "ann");
    String id = http.post("/api/conversations", new JsonObject().put("kind", "group"), ann.token()).json().getString("id");
    String path = "/api/conversations/" + id + "/messages";
    assertThat(http.post(path, new JsonObject().put("text", "fast"), ann.token()).status()).isEqualTo(201);
    assertThat(http.post(path + "/1/recall", null, ann.token()).status()).isEqualTo(200);

    Http.Response slow = http.post(path, new JsonObject().put("text", "slow"), ann.token());
    Instant passed = Instant.parse(slow.json().getString("createdAt")).plusMillis(1_200);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (Instant.now().isBefore(passed) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Http.Response late = http.post(path + "/2/recall", null, ann.token());
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.errorCode()).isEqualTo("recall_window_passed");
    assertThat(late.header("Retry-After")).isNull();
  }
}
