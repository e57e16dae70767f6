package io.switchboard.domain;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A background job in the durable queue. */
public record Job(String id, String kind, JsonObject payload, String status, int attempts, int maxAttempts,
    OffsetDateTime nextAttemptAt, String lockedBy, String lastError, OffsetDateTime createdAt, OffsetDateTime finishedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("kind", kind).put("payload", payload).put("status", status)
        .put("attempts", attempts).put("maxAttempts", maxAttempts).put("nextAttemptAt", iso(nextAttemptAt))
        .put("lockedBy", lockedBy).put("lastError", lastError).put("createdAt", iso(createdAt)).put("finishedAt", iso(finishedAt));
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
