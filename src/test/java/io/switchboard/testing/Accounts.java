package io.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;

/** Accounts for tests, through the API: register, sign in, the bootstrap admin's token. */
public final class Accounts {

  public static final String ADMIN = "admin";
  /** The bootstrap admin's password in {@link TestNode#defaults()}. */
  public static final String ADMIN_PASSWORD = "admin-password";

  private Accounts() {
  }

  /** A signed-in user. */
  public record Account(String id, String username, String token) {
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

  /** Registers {@code username} with the password {@code password-<username>} and signs it in. */
  public static Account signUp(Http http, String username) {
    register(http, username, "password-" + username);
    return account(http, username, "password-" + username);
  }

  public static Account account(Http http, String username, String password) {
    JsonObject json = login(http, username, password);
    return new Account(json.getJsonObject("user").getString("id"), username, json.getString("accessToken"));
  }
}
