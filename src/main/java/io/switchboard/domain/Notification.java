package io.switchboard.domain;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * One notification as its recipient sees it (SPEC §6). {@code id} is the recipient's own sequence
 * number of it: opaque to clients, strictly increasing per user in commit order, so it doubles as
 * the resume cursor of the live streams. {@code data} is the encoded JSON object given at send.
 */
public record Notification(long id, String title, String body, String data, OffsetDateTime createdAt, boolean read) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", Long.toString(id))
        .put("title", title)
        .put("body", body)
        .put("data", new JsonObject(data))
        .put("createdAt", createdAt.toInstant().toString())
        .put("read", read);
  }
}
