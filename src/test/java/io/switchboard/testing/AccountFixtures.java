package io.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;

/** Accounts for tests: register, log in, the bootstrap admin's token. */
public final class AccountFixtures {

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-password";

  private AccountFixtures() {
  }

  /** Registers a user and answers the created user. */
  public static JsonObject register(Http http, String username, String password) {
    Http.Response r = http.post("/api/auth/register", new JsonObject().put("username", username).put("password", password));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  /** Logs in and answers the whole token response (accessToken, refreshToken, expiresIn, user). */
  public static JsonObject login(Http http, String username, String password) {
    Http.Response r = http.post("/api/auth/login", new JsonObject().put("username", username).put("password", password));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  public static String token(Http http, String username, String password) {
    return login(http, username, password).getString("accessToken");
  }

  public static String adminToken(Http http) {
    return token(http, ADMIN, ADMIN_PASSWORD);
  }
}
