package io.switchboard.domain;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A stored message (SPEC §4). Recalled and deleted messages are tombstones: their text is never shown. */
public record Message(String id, String conversationId, long seq, String kind, String senderId, String senderUsername,
    String senderDisplayName, String senderAvatarUrl, String text, OffsetDateTime createdAt, String clientMsgId, String state,
    Image image) {

  /**
   * A message's picture. Its {@code url} here is {@code /media/<id>} unsigned; each reader gets it
   * signed for them ({@code MediaUrls}) where the message leaves the server.
   */
  public record Image(String mediaId, int width, int height, int bytes) {

    public JsonObject toJson() {
      return new JsonObject().put("url", "/media/" + mediaId).put("width", width).put("height", height).put("bytes", bytes);
    }
  }

  public static final String VISIBLE = "visible";
  public static final String RECALLED = "recalled";
  public static final String DELETED = "deleted";

  public boolean visible() {
    return VISIBLE.equals(state);
  }

  public JsonObject toJson() {
    JsonObject sender = senderId == null ? null : new JsonObject().put("id", senderId).put("username", senderUsername)
        .put("displayName", senderDisplayName).put("avatarUrl", senderAvatarUrl);
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("conversationId", conversationId)
        .put("seq", seq)
        .put("kind", kind)
        .put("sender", sender);
    if (visible() && text != null) {
      json.put("text", text);
    }
    if (visible() && image != null) {
      json.put("image", image.toJson());
    }
    json.put("createdAt", createdAt.toInstant().toString());
    if (clientMsgId != null) {
      json.put("clientMsgId", clientMsgId);
    }
    return json.put("state", state);
  }
}
