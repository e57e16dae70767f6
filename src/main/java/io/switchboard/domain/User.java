package io.switchboard.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/** A user as the API shows it (never the password hash). */
public record User(String id, String username, String displayName, String avatarUrl, boolean superuser,
    boolean disabled, List<String> groups, OffsetDateTime createdAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("username", username)
        .put("displayName", displayName)
        .put("avatarUrl", avatarUrl)
        .put("superuser", superuser)
        .put("disabled", disabled)
        .put("groups", new JsonArray(groups))
        .put("createdAt", createdAt.toInstant().toString());
  }

  /** The short form embedded in messages: {id, username, displayName, avatarUrl}. */
  public JsonObject toSenderJson() {
    return new JsonObject().put("id", id).put("username", username).put("displayName", displayName).put("avatarUrl", avatarUrl);
  }
}
