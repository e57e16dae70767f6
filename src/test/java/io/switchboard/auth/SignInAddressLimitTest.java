package io.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Register, login, refresh and captcha share one budget per client address: past the burst, 429 with Retry-After. */
class SignInAddressLimitTest {

  static TestNode node;
  static Http http;

  @BeforeAll
  static void start() {
    // a burst of four and one more call a minute: nothing refills while the test runs
    node = TestNode.start(Map.of("SWITCHBOARD_AUTH_IP_BURST", "4", "SWITCHBOARD_AUTH_IP_PER_MINUTE", "1"));
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
  void theFourSignInCallsShareOneBudgetPerAddress() {
    assertThat(http.post("/api/auth/register", credentials("limited")).status()).isEqualTo(201);
    Http.Response login = http.post("/api/auth/login", credentials("limited"));
    assertThat(login.status()).as(login.toString()).isEqualTo(200);
    Http.Response refreshed = http.post("/api/auth/refresh", new JsonObject().put("refreshToken", login.json().getString("refreshToken")));
    assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
    assertThat(http.get("/api/auth/captcha").status()).isEqualTo(200);

    // the burst is spent: each of the four is refused, whichever came first
    List<Supplier<Http.Response>> calls = List.of(
        () -> http.post("/api/auth/register", credentials("limited-too")),
        () -> http.post("/api/auth/login", credentials("limited")),
        () -> http.post("/api/auth/refresh", new JsonObject().put("refreshToken", refreshed.json().getString("refreshToken"))),
        () -> http.get("/api/auth/captcha"));
    for (Supplier<Http.Response> call : calls) {
      Http.Response refused = call.get();
      assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
      assertThat(refused.errorCode()).isEqualTo("rate_limited");
      assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
    }

    // calls outside the four are not limited by it
    String access = refreshed.json().getString("accessToken");
    assertThat(http.get("/api/me", access).status()).isEqualTo(200);
    assertThat(http.post("/api/auth/logout", new JsonObject(), access).status()).isEqualTo(204);
  }
}
