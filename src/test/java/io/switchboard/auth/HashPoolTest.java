package io.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.Http.Call;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Password hashing runs on the node's bounded pool: with one thread and one waiting hash, a burst of
 * registrations and logins gets 503 unavailable for the rest at once (never 500), across the node's
 * HTTP verticle instances, and the node answers normally afterwards.
 */
class HashPoolTest {

  static TestNode node;
  static Http http;

  @BeforeAll
  static void start() {
    // cost 13: about half a second a hash on a 2-core machine, so the burst below finds the pool busy
    node = TestNode.start(Map.of("SWITCHBOARD_AUTH_HASH_THREADS", "1", "SWITCHBOARD_AUTH_HASH_QUEUE", "1",
        "SWITCHBOARD_BCRYPT_COST", "13", "SWITCHBOARD_HTTP_INSTANCES", "2"));
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonObject credentials(String username) {
    return new JsonObject().put("username", username).put("password", "password-" + username);
  }

  @Test
  void aFullHashingPoolAnswers503AndTheNodeRecovers() {
    Accounts.register(http, "hash-regular", "password-hash-regular");

    List<Call> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      burst.add(Call.post("/api/auth/register", credentials("hash-burst-" + i), null));
      burst.add(Call.post("/api/auth/login", credentials("hash-stranger-" + i), null));
    }
    List<Http.Response> answers = http.concurrently(burst);

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isIn(201, 401, 503));
    List<Http.Response> refused = answers.stream().filter(r -> r.status() == 503).toList();
    assertThat(refused).as("20 hashes at once on one thread with one waiting").isNotEmpty();
    assertThat(refused).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo("unavailable"));
    // the admitted ones were answered as usual (an unknown user's login is a plain 401)
    assertThat(answers).filteredOn(r -> r.status() == 401).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo("unauthorized"));
    // one running and one waiting for the whole node, though the calls were spread over two HTTP verticle instances
    assertThat(answers.size() - refused.size()).as("hashes admitted").isBetween(1, 2);

    // and afterwards the node signs in as usual
    Http.Response login = http.post("/api/auth/login", credentials("hash-regular"));
    assertThat(login.status()).as(login.toString()).isEqualTo(200);
    assertThat(http.get("/api/me", login.json().getString("accessToken")).status()).isEqualTo(200);
  }
}
