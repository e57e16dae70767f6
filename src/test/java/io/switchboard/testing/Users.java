package io.switchboard.testing;

import io.vertx.core.json.JsonObject;

/** Registers and signs in test users through the API. */
public final class Users {

  private Users() {
  }

  public record Account(String id, String username, String token) {
  }

  public static Account register(Http http, String username) {
    JsonObject body = new JsonObject().put("username", username).put("password", "password-" + username);
    Http.Response created = http.post("/api/auth/register", body);
    if (created.status() != 201) {
      throw new IllegalStateException("register " + username + ": " + created);
    }
    return login(http, username, "password-" + username);
  }

  public static Account login(Http http, String username, String password) {
    Http.Response login = http.post("/api/auth/login", new JsonObject().put("username", username).put("password", password));
    if (login.status() != 200) {
      throw new IllegalStateException("login " + username + ": " + login);
    }
    JsonObject json = login.json();
    return new Account(json.getJsonObject("user").getString("id"), username, json.getString("accessToken"));
  }
}
