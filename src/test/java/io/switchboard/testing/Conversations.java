package io.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts.Account;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Conversations made through the public API for a test. */
public final class Conversations {

  private Conversations() {
  }

  /** A group conversation of {@code owner} with {@code others}; answers its id. */
  public static String group(Http http, Account owner, Account... others) {
    JsonArray ids = new JsonArray();
    for (Account a : others) {
      ids.add(a.id());
    }
    Http.Response created = http.post("/api/conversations", new JsonObject().put("kind", "group").put("participants", ids), owner.token());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("id");
  }
}
