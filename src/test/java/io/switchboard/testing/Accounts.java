package io.switchboard.testing;

import io.vertx.core.json.JsonObject;

/** Signing in from tests. */
public final class Accounts {

  private Accounts() {
  }

  /** An access token of the bootstrap admin (test password from {@link TestNode#defaults()}). */
  public static String adminToken(Http http) {
    return login(http, "admin", "admin-password");
  }

  public static String login(Http http, String username, String password) {
    Http.Response r = http.post("/api/auth/login", new JsonObject().put("username", username).put("password", password));
    if (r.status() != 200) {
      throw new AssertionError("login of " + username + " failed: " + r);
    }
    return r.json().getString("accessToken");
  }

  /** Registers a user (password {@code <username>-password}) and answers an access token. */
  public static String registerAndLogin(Http http, String username) {
    Http.Response r = http.post("/api/auth/register", new JsonObject().put("username", username).put("password", username + "-password"));
    if (r.status() != 201) {
      throw new AssertionError("register of " + username + " failed: " + r);
    }
    return login(http, username, username + "-password");
  }
}
