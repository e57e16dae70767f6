package io.switchboard.auth;

import static io.switchboard.testing.Accounts.login;
import static io.switchboard.testing.Accounts.register;
import static io.switchboard.testing.Accounts.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.persistence.DatabaseUrl;
import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §3 registration, login with captcha, refresh rotation, logout and token checks through HTTP. */
@SwitchboardTest
class AuthTest {

  static final String TEST_SECRET = "test-secret-test-secret-test-secret-0123456789";
  static TestNode node;
  static Http http;
  static Vertx vertx;

  @BeforeAll
  static void start(TestNode shared, Vertx vertx) {
    node = shared;
    http = node.http();
    AuthTest.vertx = vertx;
  }

  static JsonObject credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  static Http.Response loginWith(JsonObject body) {
    return http.post("/api/auth/login", body);
  }

  static String message(Http.Response r) {
    return r.json().getJsonObject("error").getString("message");
  }

  /** Reads the answer of a captcha from the node's database (observation only; clients see a picture). */
  static String captchaAnswer(String captchaId) throws Exception {
    DatabaseUrl db = DatabaseUrl.parse(node.settings().get("SWITCHBOARD_PG_URL"));
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        PreparedStatement st = c.prepareStatement("SELECT answer FROM captchas WHERE id = ?")) {
      st.setObject(1, UUID.fromString(captchaId));
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static JsonObject captcha() {
    Http.Response r = http.get("/api/auth/captcha");
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  static JsonObject claimsOf(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String signed(String secret, JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  @Test
  void registerCreatesAMember() {
    Http.Response r = http.post("/api/auth/register", credentials("newcomer", "newcomer-password").put("displayName", "New Comer"));
    assertThat(r.status()).isEqualTo(201);
    JsonObject user = r.json();
    assertThat(user.getString("id")).isNotBlank();
    assertThat(user.getString("username")).isEqualTo("newcomer");
    assertThat(user.getString("displayName")).isEqualTo("New Comer");
    assertThat(user.getJsonArray("groups")).containsExactly("member");
    assertThat(user.getBoolean("superuser")).isFalse();
    assertThat(user.encode()).doesNotContain("newcomer-password").doesNotContain("hash");
  }

  @Test
  void registerRefusesUsernamesOutsideTheRules() {
    for (String bad : List.of("ab", "has space", "semi;colon", "ünïcode", "x".repeat(33), "")) {
      Http.Response r = http.post("/api/auth/register", credentials(bad, "long-enough-password"));
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.errorCode()).isEqualTo("validation_failed");
      assertThat(message(r)).contains("username");
    }
    assertThat(http.post("/api/auth/register", credentials("abc", "long-enough-password")).status()).isEqualTo(201);
    assertThat(http.post("/api/auth/register", credentials("A_b.c-" + "z".repeat(26), "long-enough-password")).status()).isEqualTo(201);
  }

  @Test
  void registerRefusesShortAndLongPasswords() {
    for (String bad : List.of("", "1234567", "p".repeat(129))) {
      Http.Response r = http.post("/api/auth/register", credentials("pw-user-" + bad.length(), bad));
      assertThat(r.status()).isEqualTo(400);
      assertThat(message(r)).contains("password");
    }
    assertThat(http.post("/api/auth/register", credentials("pw-eight", "12345678")).status()).isEqualTo(201);
    assertThat(http.post("/api/auth/register", credentials("pw-max", "p".repeat(128))).status()).isEqualTo(201);
    assertThat(token(http, "pw-max", "p".repeat(128))).isNotBlank();
  }

  @Test
  void duplicateUsernamesAreRefusedCaseInsensitively() {
    register(http, "Dupe.Name", "dupe-password");
    Http.Response again = http.post("/api/auth/register", credentials("dupe.name", "other-password"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("conflict");
    assertThat(http.post("/api/auth/register", credentials("DUPE.NAME", "other-password")).status()).isEqualTo(409);
    // login is case-insensitive as well
    assertThat(token(http, "dupe.NAME", "dupe-password")).isNotBlank();
  }

  @Test
  void loginAnswersTokensAndTheUser() {
    register(http, "logger", "logger-password");
    JsonObject pair = login(http, "logger", "logger-password");
    assertThat(pair.getString("accessToken")).contains(".");
    assertThat(pair.getString("refreshToken")).isNotBlank();
    assertThat(pair.getInteger("expiresIn")).isEqualTo(900);
    assertThat(pair.getJsonObject("user").getString("username")).isEqualTo("logger");
    JsonObject claims = claimsOf(pair.getString("accessToken"));
    assertThat(claims.getString("sub")).isEqualTo(pair.getJsonObject("user").getString("id"));
    assertThat(claims.fieldNames()).contains("sid", "jti", "iat", "exp");
    assertThat(http.get("/api/me", pair.getString("accessToken")).status()).isEqualTo(200);
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSameAnswer() {
    register(http, "guarded", "guarded-password");
    Http.Response wrongPassword = loginWith(credentials("guarded", "not-the-password"));
    Http.Response unknownUser = loginWith(credentials("nobody-here", "guarded-password"));
    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(unknownUser.status()).isEqualTo(401);
    assertThat(wrongPassword.errorCode()).isEqualTo("unauthorized").isEqualTo(unknownUser.errorCode());
    assertThat(message(wrongPassword)).isEqualTo(message(unknownUser)).isEqualTo("invalid username or password");
  }

  @Test
  void captchaIsRequiredAfterFiveFailuresAndIsSingleUse() throws Exception {
    register(http, "forgetful", "forgetful-password");
    for (int i = 0; i < 5; i++) {
      assertThat(loginWith(credentials("forgetful", "wrong-" + i)).errorCode()).isEqualTo("unauthorized");
    }
    Http.Response required = loginWith(credentials("forgetful", "forgetful-password"));
    assertThat(required.status()).isEqualTo(401);
    assertThat(required.errorCode()).isEqualTo("captcha_required");
    // other usernames are not affected
    register(http, "unaffected", "unaffected-password");
    assertThat(token(http, "unaffected", "unaffected-password")).isNotBlank();

    JsonObject challenge = captcha();
    assertThat(challenge.getString("image")).startsWith("data:image/png;base64,");
    byte[] png = Base64.getDecoder().decode(challenge.getString("image").substring("data:image/png;base64,".length()));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    String id = challenge.getString("captchaId");
    String answer = captchaAnswer(id);
    assertThat(answer).isNotBlank();

    // a wrong answer spends the captcha: the right answer to it no longer counts
    Http.Response wrongAnswer = loginWith(credentials("forgetful", "forgetful-password").put("captchaId", id).put("captchaAnswer", "wrong"));
    assertThat(wrongAnswer.errorCode()).isEqualTo("captcha_required");
    Http.Response spent = loginWith(credentials("forgetful", "forgetful-password").put("captchaId", id).put("captchaAnswer", answer));
    assertThat(spent.errorCode()).isEqualTo("captcha_required");

    JsonObject fresh = captcha();
    String freshAnswer = captchaAnswer(fresh.getString("captchaId"));
    Http.Response solved = loginWith(credentials("forgetful", "forgetful-password")
        .put("captchaId", fresh.getString("captchaId")).put("captchaAnswer", freshAnswer));
    assertThat(solved.status()).as(solved.toString()).isEqualTo(200);
    // a success resets the count
    assertThat(token(http, "forgetful", "forgetful-password")).isNotBlank();

    // a solved captcha cannot be used a second time
    for (int i = 0; i < 5; i++) {
      loginWith(credentials("forgetful", "wrong-again-" + i));
    }
    Http.Response reused = loginWith(credentials("forgetful", "forgetful-password")
        .put("captchaId", fresh.getString("captchaId")).put("captchaAnswer", freshAnswer));
    assertThat(reused.errorCode()).isEqualTo("captcha_required");
    // a right captcha does not make a wrong password right
    JsonObject third = captcha();
    Http.Response wrongPassword = loginWith(credentials("forgetful", "still-wrong")
        .put("captchaId", third.getString("captchaId")).put("captchaAnswer", captchaAnswer(third.getString("captchaId"))));
    assertThat(wrongPassword.status()).isEqualTo(401);
    assertThat(wrongPassword.errorCode()).isEqualTo("unauthorized");
  }

  @Test
  void tokensWithAlgNoneAreRefused() {
    register(http, "alg-none", "alg-none-password");
    String real = token(http, "alg-none", "alg-none-password");
    JsonObject claims = claimsOf(real);
    for (String alg : List.of("none", "None", "NONE")) {
      String forged = b64(new JsonObject().put("alg", alg).put("typ", "JWT").encode()) + "." + b64(claims.encode()) + ".";
      Http.Response r = http.get("/api/me", forged);
      assertThat(r.status()).as(alg).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("unauthorized");
    }
    String withoutSignature = real.substring(0, real.lastIndexOf('.') + 1);
    assertThat(http.get("/api/me", withoutSignature).status()).isEqualTo(401);
  }

  @Test
  void tokensWithAWrongSignatureAreRefused() {
    register(http, "sig-user", "sig-user-password");
    String real = token(http, "sig-user", "sig-user-password");
    JsonObject claims = claimsOf(real);
    // the same claims signed with the node's secret are accepted: only the signature differs below
    assertThat(http.get("/api/me", signed(TEST_SECRET, claims)).status()).isEqualTo(200);
    assertThat(http.get("/api/me", signed("another-secret-another-secret-another-0123", claims)).status()).isEqualTo(401);

    String[] parts = real.split("\\.");
    String otherSub = b64(claims.copy().put("sub", UUID.randomUUID().toString()).encode());
    assertThat(http.get("/api/me", parts[0] + "." + otherSub + "." + parts[2]).status()).isEqualTo(401);
    assertThat(http.get("/api/me", "not.a.jwt").status()).isEqualTo(401);
  }

  @Test
  void expiredTokensAreRefused() {
    register(http, "late-user", "late-user-password");
    JsonObject claims = claimsOf(token(http, "late-user", "late-user-password"));
    long now = System.currentTimeMillis() / 1000;
    Http.Response expired = http.get("/api/me", signed(TEST_SECRET, claims.copy().put("iat", now - 1000).put("exp", now - 60)));
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.errorCode()).isEqualTo("unauthorized");
    assertThat(http.get("/api/me", signed(TEST_SECRET, claims.copy().put("iat", now).put("exp", now + 60))).status()).isEqualTo(200);
  }

  @Test
  void logoutStopsTheSessionsTokensAtOnce() {
    register(http, "leaving", "leaving-password");
    JsonObject pair = login(http, "leaving", "leaving-password");
    JsonObject otherSession = login(http, "leaving", "leaving-password");
    String access = pair.getString("accessToken");
    assertThat(http.get("/api/me", access).status()).isEqualTo(200);

    assertThat(http.post("/api/auth/logout", new JsonObject(), access).status()).isEqualTo(204);
    Http.Response after = http.get("/api/me", access);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.errorCode()).isEqualTo("unauthorized");
    assertThat(http.post("/api/auth/refresh", new JsonObject().put("refreshToken", pair.getString("refreshToken"))).status()).isEqualTo(401);
    // only that session ended
    assertThat(http.get("/api/me", otherSession.getString("accessToken")).status()).isEqualTo(200);
    assertThat(http.post("/api/auth/logout", new JsonObject()).status()).isEqualTo(401);
  }

  @Test
  void refreshRotatesAndReuseEndsTheWholeSession() {
    register(http, "rotator", "rotator-password");
    JsonObject first = login(http, "rotator", "rotator-password");

    Http.Response rotated = http.post("/api/auth/refresh", new JsonObject().put("refreshToken", first.getString("refreshToken")));
    assertThat(rotated.status()).isEqualTo(200);
    JsonObject second = rotated.json();
    assertThat(second.getString("refreshToken")).isNotEqualTo(first.getString("refreshToken"));
    assertThat(claimsOf(second.getString("accessToken")).getString("sid")).isEqualTo(claimsOf(first.getString("accessToken")).getString("sid"));
    assertThat(http.get("/api/me", second.getString("accessToken")).status()).isEqualTo(200);

    Http.Response reuse = http.post("/api/auth/refresh", new JsonObject().put("refreshToken", first.getString("refreshToken")));
    assertThat(reuse.status()).isEqualTo(401);
    assertThat(reuse.errorCode()).isEqualTo("unauthorized");
    assertThat(http.post("/api/auth/refresh", new JsonObject().put("refreshToken", second.getString("refreshToken"))).status()).isEqualTo(401);
    assertThat(http.get("/api/me", second.getString("accessToken")).status()).isEqualTo(401);
    assertThat(http.get("/api/me", first.getString("accessToken")).status()).isEqualTo(401);

    assertThat(http.post("/api/auth/refresh", new JsonObject().put("refreshToken", "made-up")).status()).isEqualTo(401);
    assertThat(http.post("/api/auth/refresh", new JsonObject()).status()).isEqualTo(400);
  }

  @Test
  void disabledUsersTokensAreRefused() {
    String id = register(http, "to-disable", "to-disable-password").getString("id");
    String userToken = token(http, "to-disable", "to-disable-password");
    String admin = token(http, "admin", "admin-password");
    assertThat(http.patch("/api/admin/users/" + id, new JsonObject().put("disabled", true), admin).status()).isEqualTo(200);
    Http.Response r = http.get("/api/me", userToken);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("unauthorized");
    Http.Response login = loginWith(credentials("to-disable", "to-disable-password"));
    assertThat(login.status()).isEqualTo(401);
    assertThat(message(login)).isEqualTo("invalid username or password");
  }

  @Test
  void missingPermissionIs403() {
    register(http, "no-rights", "no-rights-password");
    Http.Response r = http.get("/api/admin/audit", token(http, "no-rights", "no-rights-password"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.errorCode()).isEqualTo("forbidden");
  }
}
