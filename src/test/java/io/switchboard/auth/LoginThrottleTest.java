package io.switchboard.auth;

import static io.switchboard.testing.Accounts.adminToken;
import static io.switchboard.testing.Accounts.register;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http.Call;
import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3 per-username attempt limit: counted before the password is checked, so parallel guesses
 * cannot outrun it; shared by login (captcha past it) and the password change (429 past it).
 */
@SwitchboardTest
class LoginThrottleTest {

  /** SWITCHBOARD_CAPTCHA_AFTER_FAILURES's default. */
  static final int LIMIT = 5;
  static TestNode node;
  static Http http;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
  }

  static JsonObject credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  @Test
  void aParallelBurstOfWrongPasswordsGetsAtMostTheLimitOfChecks() {
    register(http, "burst-target", "burst-target-password");
    List<Http.Response> answers = http.concurrently(
        Collections.nCopies(60, Call.post("/api/auth/login", credentials("burst-target", "a-wrong-guess"), null)));

    assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(401));
    long checked = answers.stream().filter(r -> "unauthorized".equals(r.errorCode())).count();
    long refused = answers.stream().filter(r -> "captcha_required".equals(r.errorCode())).count();
    assertThat(checked).as("wrong passwords actually checked").isBetween(1L, (long) LIMIT);
    assertThat(refused).isEqualTo(answers.size() - checked);

    // the right password without a captcha is refused too: the failures counted
    Http.Response right = http.post("/api/auth/login", credentials("burst-target", "burst-target-password"));
    assertThat(right.status()).isEqualTo(401);
    assertThat(right.errorCode()).isEqualTo("captcha_required");
  }

  @Test
  void unknownUsernamesAreCountedLikeKnownOnes() {
    List<Http.Response> answers = http.concurrently(
        Collections.nCopies(30, Call.post("/api/auth/login", credentials("Nobody-By-This-Name", "a-wrong-guess"), null)));
    assertThat(answers.stream().filter(r -> "unauthorized".equals(r.errorCode())).count()).isBetween(1L, (long) LIMIT);
    // the count is per username, case-insensitively
    assertThat(http.post("/api/auth/login", credentials("nobody-by-this-name", "another-guess")).errorCode()).isEqualTo("captcha_required");
  }

  @Test
  void rightPasswordsGiveTheirAttemptBack() {
    register(http, "often-in", "often-in-password");
    for (int i = 0; i < 3 * LIMIT; i++) {
      Http.Response r = http.post("/api/auth/login", credentials("often-in", "often-in-password"));
      assertThat(r.status()).as("login %d: %s", i, r).isEqualTo(200);
    }
    for (int i = 0; i < LIMIT; i++) {
      assertThat(http.post("/api/auth/login", credentials("often-in", "wrong-" + i)).errorCode()).isEqualTo("unauthorized");
    }
    assertThat(http.post("/api/auth/login", credentials("often-in", "often-in-password")).errorCode()).isEqualTo("captcha_required");
  }

  static JsonObject change(String current, String next) {
    return new JsonObject().put("currentPassword", current).put("newPassword", next);
  }

  @Test
  void wrongCurrentPasswordsCountAgainstTheLimitAndAreAudited() {
    Account pat = Accounts.signUp(http, "pw-guesser");
    String password = "password-pw-guesser";
    for (int i = 0; i < LIMIT; i++) {
      Http.Response wrong = http.put("/api/me/password", change("wrong-guess-" + i, "new-password-1"), pat.token());
      assertThat(wrong.status()).as(wrong.toString()).isEqualTo(403);
    }
    Http.Response limited = http.put("/api/me/password", change(password, "new-password-1"), pat.token());
    assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("rate_limited");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 15 * 60L);
    // nothing changed, and a login for that username needs a captcha now: it is the same count
    Http.Response login = http.post("/api/auth/login", credentials("pw-guesser", password));
    assertThat(login.errorCode()).isEqualTo("captcha_required");

    Http.Response audit = http.get("/api/admin/audit?limit=200", adminToken(http));
    assertThat(audit.status()).isEqualTo(200);
    List<JsonObject> failures = audit.items().stream().map(JsonObject.class::cast)
        .filter(e -> "user.password_failed".equals(e.getString("action")) && "pw-guesser".equals(e.getString("target"))).toList();
    assertThat(failures).hasSize(LIMIT).allSatisfy(e -> {
      assertThat(e.getString("target")).isEqualTo("pw-guesser");
      assertThat(e.getString("actorId")).isEqualTo(pat.id());
      assertThat(e.getString("ip")).isEqualTo("127.0.0.1");
    });
  }

  @Test
  void rightCurrentPasswordsGiveTheirAttemptBack() {
    Account sam = Accounts.signUp(http, "pw-changer");
    String current = "password-pw-changer";
    for (int i = 0; i < 2 * LIMIT; i++) {
      String next = "changed-password-" + i;
      Http.Response changed = http.put("/api/me/password", change(current, next), sam.token());
      assertThat(changed.status()).as("change %d: %s", i, changed).isEqualTo(204);
      current = next;
    }
  }
}
