package io.switchboard.domain;

import io.vertx.core.json.JsonObject;

/** A named permission a group can grant. */
public record Permission(String name, String description) {

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("description", description);
  }
}
