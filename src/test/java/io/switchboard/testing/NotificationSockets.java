package io.switchboard.testing;

import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Notification sockets and sends for tests (SPEC §6): the frames are read through {@link ChatClient}. */
public final class NotificationSockets {

  private NotificationSockets() {
  }

  public static WebSocketConnectOptions at(int port, String uri) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
  }

  /** {@code /ws/notifications}, live once its welcome arrived (every later notification reaches it). */
  public static ChatClient open(WebSocketClient client, int port, String token, Long since) {
    ChatClient socket = ChatClient.open(client, at(port, "/ws/notifications?token=" + token + (since == null ? "" : "&since=" + since)));
    socket.next("welcome");
    return socket;
  }

  /** Sends a notification as the admin; answers the number of recipients. */
  public static long send(Http http, String adminToken, JsonObject to, String title) {
    Http.Response r = http.post("/api/admin/notifications", to.copy().put("title", title).put("body", "about " + title), adminToken);
    if (r.status() != 201) {
      throw new AssertionError("send failed: " + r);
    }
    return r.json().getLong("recipients");
  }

  public static JsonObject toUsers(String... userIds) {
    return new JsonObject().put("userIds", new JsonArray(List.of((Object[]) userIds)));
  }

  /** The next notification frame's notification. */
  public static JsonObject next(ChatClient socket) {
    return socket.next("notification").getJsonObject("notification");
  }

  /** The ids of the next {@code count} notification frames. */
  public static List<Long> ids(ChatClient socket, int count) {
    List<Long> ids = new ArrayList<>();
    while (ids.size() < count) {
      ids.add(Long.parseLong(next(socket).getString("id")));
    }
    return ids;
  }

  /** Nothing else is on its way: a ping is answered before any further notification. */
  public static boolean nothingMore(ChatClient socket) {
    socket.send(new JsonObject().put("type", "ping"));
    return "pong".equals(socket.next(f -> "notification".equals(f.getString("type")) || "pong".equals(f.getString("type")), "pong")
        .getString("type"));
  }
}
