package io.switchboard.domain;

import io.vertx.core.json.JsonObject;

/** A named permission a group can grant. */
public record Permission(String name, String description) {

  /** The permissions the code checks by name (the contract's {@code x-permission} names the others). */
  public static final String ROOMS_CREATE = "rooms.create";
  public static final String ROOMS_MODERATE = "rooms.moderate";

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("description", description);
  }
}
