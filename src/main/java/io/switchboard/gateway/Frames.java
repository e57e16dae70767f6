package io.switchboard.gateway;

import io.switchboard.domain.Message;
import io.switchboard.domain.Notification;
import java.time.OffsetDateTime;
import io.vertx.core.json.JsonArray;
import io.switchboard.domain.Banner;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Server → client frames of conversation and notification sockets (SPEC §5, §6), encoded as JSON text. */
public final class Frames {

  private Frames() {
  }

  public static final String PONG = new JsonObject().put("type", "pong").encode();

  /** The first frame of a conversation socket, with the rules the client's sends live under (recall window, slow mode). */
  public static String welcome(String conversationId, long lastSeq, List<String> online, int recallWindowSeconds,
      int slowModeSeconds) {
    return new JsonObject().put("type", "welcome").put("conversationId", conversationId).put("lastSeq", lastSeq)
        .put("online", new JsonArray(List.copyOf(online)))
        .put("recallWindowSeconds", recallWindowSeconds).put("slowModeSeconds", slowModeSeconds).encode();
  }

  public static String message(Message m) {
    return new JsonObject().put("type", "message").put("message", m.toJson()).encode();
  }

  /** The first frame of a {@code /ws/notifications} socket, once it is live: the user's newest notification id. */
  public static String notificationsWelcome(long lastId) {
    return new JsonObject().put("type", "welcome").put("lastId", Long.toString(lastId)).encode();
  }

  public static String notification(Notification n) {
    return new JsonObject().put("type", "notification").put("notification", n.toJson()).encode();
  }

  /**
   * One notification's frame for every recipient, encoded once: only the per-user id differs, so the
   * frame is the encoded text around it (Notification's JSON holds the id first).
   */
  public record NotificationFrame(String head, String tail) {

    public static NotificationFrame of(String title, String body, String data, OffsetDateTime createdAt) {
      String encoded = notification(new Notification(0, title, body, data, createdAt, false));
      String marker = "\"id\":\"0\"";
      int at = encoded.indexOf(marker);
      return new NotificationFrame(encoded.substring(0, at + 6), encoded.substring(at + marker.length() - 1));
    }

    public String frame(long id) {
      return head + id + tail;
    }
  }

  public static String ack(String clientMsgId, long seq) {
    return new JsonObject().put("type", "ack").put("clientMsgId", clientMsgId).put("seq", seq).encode();
  }

  public static String recalled(long seq) {
    return new JsonObject().put("type", "recalled").put("seq", seq).encode();
  }

  public static String deleted(long seq) {
    return new JsonObject().put("type", "deleted").put("seq", seq).encode();
  }

  public static String typing(String userId) {
    return new JsonObject().put("type", "typing").put("userId", userId).encode();
  }

  public static String read(String userId, long seq) {
    return new JsonObject().put("type", "read").put("userId", userId).put("seq", seq).encode();
  }

  public static String presence(String userId, boolean online) {
    return new JsonObject().put("type", "presence").put("userId", userId).put("online", online).encode();
  }

  /** SPEC §4: the global banner as it now is. */
  public static String banner(Banner b) {
    return new JsonObject().put("type", "banner").mergeIn(b.toJson()).encode();
  }

  /** SPEC §4: the banner was cleared. */
  public static String bannerCleared(java.time.Instant at) {
    return new JsonObject().put("type", "banner").put("text", null).put("image", null).put("updatedAt", at.toString()).encode();
  }

  /** SPEC §7: a module's online/offline change, for users with {@code modules.view}. */
  public static String module(String hash, String name, boolean online) {
    return new JsonObject().put("type", "module").put("hash", hash).put("name", name).put("online", online).encode();
  }

  /** SPEC §7: a command for a module's socket. */
  public static String command(String id, Object payload) {
    return new JsonObject().put("type", "command").put("id", id).put("payload", payload).encode();
  }

  public static String error(String code, String message, Object ref) {
    return error(code, message, ref, null);
  }

  /** An error frame; a refusal that may be retried later says after how many seconds ({@code retryAfter}). */
  public static String error(String code, String message, Object ref, Long retryAfterSeconds) {
    JsonObject json = new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (ref != null) {
      json.put("ref", ref);
    }
    if (retryAfterSeconds != null) {
      json.put("retryAfter", retryAfterSeconds);
    }
    return json.encode();
  }
}
