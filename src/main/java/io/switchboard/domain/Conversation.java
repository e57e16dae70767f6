package io.switchboard.domain;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A conversation's settings and position (SPEC §4). Retention values null mean "keep everything". */
public record Conversation(String id, String kind, String name, String title, boolean isPublic, String ownerId,
    int slowModeSeconds, Integer retentionMaxAgeSeconds, Integer retentionMaxMessages, long lastSeq,
    OffsetDateTime lastActivityAt, OffsetDateTime createdAt) {

  public static final String DIRECT = "direct";
  public static final String GROUP = "group";
  public static final String ROOM = "room";

  public boolean publicRoom() {
    return ROOM.equals(kind) && isPublic;
  }

  public boolean room() {
    return ROOM.equals(kind);
  }

  /**
   * Who may change the conversation, remove participants and delete others' messages: the owner,
   * and in a room a holder of {@code rooms.moderate}. A direct conversation has no owner: no one.
   */
  public boolean manageableBy(String userId, boolean holdsModerate) {
    if (DIRECT.equals(kind)) {
      return false;
    }
    return userId.equals(ownerId) || room() && holdsModerate;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("kind", kind)
        .put("name", name)
        .put("title", title)
        .put("public", isPublic)
        .put("ownerId", ownerId)
        .put("slowModeSeconds", slowModeSeconds)
        .put("retention", new JsonObject().put("maxAgeSeconds", retentionMaxAgeSeconds).put("maxMessages", retentionMaxMessages))
        .put("lastSeq", lastSeq)
        .put("lastActivityAt", lastActivityAt.toInstant().toString())
        .put("createdAt", createdAt.toInstant().toString());
  }
}
