package io.switchboard.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;

/** A group of users and the permissions it grants; {@code builtin} groups (admin, member) cannot be deleted or renamed. */
public record Group(String id, String name, String description, List<String> permissions, long memberCount, boolean builtin,
    OffsetDateTime createdAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("description", description)
        .put("permissions", new JsonArray(permissions))
        .put("memberCount", memberCount)
        .put("builtin", builtin)
        .put("createdAt", createdAt.toInstant().toString());
  }
}
