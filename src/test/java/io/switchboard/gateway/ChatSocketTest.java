package io.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.Profile;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The conversation socket protocol (SPEC §5): upgrade refusals, frames, replay with since, bad frames. */
@SwitchboardTest(profile = Profile.BUSY)
class ChatSocketTest {

  static TestNode node;
  static Http http;
  static WebSocketClient client;
  static Account ann;
  static Account bob;
  static Account cid;

  @BeforeAll
  static void start(TestNode shared, Vertx vertx) {
    node = shared;
    http = node.http();
    client = ChatClient.client(vertx);
    ann = Accounts.signUp(http, "chat-ann");
    bob = Accounts.signUp(http, "chat-bob");
    cid = Accounts.signUp(http, "chat-cid");
  }

  ChatClient connect(String ref, Account who, Long since) {
    return ChatClient.connect(client, node.port(), ref, who.token(), since);
  }

  WebSocketConnectOptions options(String uri) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI(uri);
  }

  /** Browsers offer permessage-deflate; the server declines it (each socket would keep zlib state, ~65 KB, for life). */
  @Test
  void deflateOffersAreDeclined() throws Exception {
    String id = Conversations.group(http, ann, bob);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /ws/chat/" + id + "?token=" + ann.token() + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      java.io.InputStream in = socket.getInputStream();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.append((char) b);
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      assertThat(head.toString().toLowerCase()).doesNotContain("sec-websocket-extensions");
    }
  }

  @Test
  void upgradeRefusalsAreHttpStatuses() {
    String id = Conversations.group(http, ann, bob);
    assertThat(ChatClient.refusal(client, options("/ws/chat/" + id))).isEqualTo(401);
    assertThat(ChatClient.refusal(client, options("/ws/chat/" + id + "?token=not-a-jwt"))).isEqualTo(401);
    assertThat(ChatClient.refusal(client, options("/ws/chat/" + id + "?token=" + cid.token()))).isEqualTo(403);
    assertThat(ChatClient.refusal(client, options("/ws/chat/00000000-0000-0000-0000-000000000000?token=" + ann.token()))).isEqualTo(404);
    assertThat(ChatClient.refusal(client, options("/ws/chat/no-such-room?token=" + ann.token()))).isEqualTo(404);
    assertThat(ChatClient.refusal(client, options("/ws/chat/" + id + "?token=" + ann.token() + "&since=-1"))).isEqualTo(400);
  }

  @Test
  void bearerSubprotocolIsSelected() {
    String id = Conversations.group(http, ann);
    WebSocketConnectOptions o = options("/ws/chat/" + id).setSubProtocols(List.of("bearer", ann.token()));
    try (ChatClient c = ChatClient.open(client, o)) {
      assertThat(c.socket().subProtocol()).isEqualTo("bearer");
      assertThat(c.next("welcome").getString("conversationId")).isEqualTo(id);
    }
  }

  @Test
  void welcomeSendAckAndDelivery() {
    String id = Conversations.group(http, ann, bob);
    http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "first"), ann.token());
    try (ChatClient a = connect(id, ann, null); ChatClient b = connect(id, bob, null)) {
      JsonObject welcome = a.next("welcome");
      assertThat(welcome.getLong("lastSeq")).isEqualTo(1);
      assertThat(b.next("welcome").getJsonArray("online").getList()).contains(bob.id());
      a.send(new JsonObject().put("type", "send").put("text", "hello").put("clientMsgId", "m-2"));
      JsonObject ack = a.next("ack");
      assertThat(ack.getString("clientMsgId")).isEqualTo("m-2");
      assertThat(ack.getLong("seq")).isEqualTo(2);
      JsonObject m = b.next("message").getJsonObject("message");
      assertThat(m.getLong("seq")).isEqualTo(2);
      assertThat(m.getString("text")).isEqualTo("hello");
      assertThat(m.getJsonObject("sender").getString("username")).isEqualTo(ann.username());
      assertThat(a.next("message").getJsonObject("message").getLong("seq")).isEqualTo(2);

      // an HTTP send is delivered exactly like a socket send
      http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "via http"), bob.token());
      assertThat(a.next("message").getJsonObject("message").getString("text")).isEqualTo("via http");

      // a retried clientMsgId is acknowledged with the original seq and not delivered again
      a.send(new JsonObject().put("type", "send").put("text", "hello").put("clientMsgId", "m-2"));
      assertThat(a.next("ack").getLong("seq")).isEqualTo(2);
      a.send(new JsonObject().put("type", "ping"));
      a.next("pong");
      a.send(new JsonObject().put("type", "send").put("text", "after"));
      assertThat(b.messageSeqs(2)).containsExactly(3L, 4L);
    }
  }

  @Test
  void typingReadRecallDeleteAndPresenceEvents() {
    String id = Conversations.group(http, ann, bob);
    try (ChatClient a = connect(id, ann, null)) {
      a.next("welcome");
      ChatClient b = connect(id, bob, null);
      b.next("welcome");
      JsonObject online = a.next(f -> "presence".equals(f.getString("type")) && bob.id().equals(f.getString("userId")), "presence");
      assertThat(online.getBoolean("online")).isTrue();
      b.send(new JsonObject().put("type", "typing"));
      assertThat(a.next("typing").getString("userId")).isEqualTo(bob.id());
      a.send(new JsonObject().put("type", "send").put("text", "to recall"));
      a.send(new JsonObject().put("type", "send").put("text", "to delete"));
      b.messageSeqs(2);
      b.send(new JsonObject().put("type", "read").put("seq", 2));
      JsonObject read = a.next("read");
      assertThat(read.getString("userId")).isEqualTo(bob.id());
      assertThat(read.getLong("seq")).isEqualTo(2);
      a.send(new JsonObject().put("type", "recall").put("seq", 1));
      assertThat(b.next("recalled").getLong("seq")).isEqualTo(1);
      b.send(new JsonObject().put("type", "recall").put("seq", 2).put("ref", "r1"));
      JsonObject refused = b.next("error");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("ref")).isEqualTo("r1");
      a.send(new JsonObject().put("type", "delete").put("seq", 2));
      assertThat(b.next("deleted").getLong("seq")).isEqualTo(2);
      b.close();
      JsonObject offline = a.next(f -> "presence".equals(f.getString("type")) && !f.getBoolean("online"), "offline presence");
      assertThat(offline.getString("userId")).isEqualTo(bob.id());
    }
  }

  @Test
  void sinceReplaysVisibleMessagesThenGoesLive() {
    String id = Conversations.group(http, ann, bob);
    for (int i = 1; i <= 6; i++) {
      http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "m" + i), ann.token());
    }
    http.post("/api/conversations/" + id + "/messages/4/recall", null, ann.token());
    try (ChatClient b = connect(id, bob, 2L)) {
      assertThat(b.next("welcome").getLong("lastSeq")).isEqualTo(6);
      assertThat(b.messageSeqs(3)).containsExactly(3L, 5L, 6L);
      http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "live"), ann.token());
      assertThat(b.messageSeqs(1)).containsExactly(7L);
    }
    try (ChatClient ahead = connect(id, bob, 50L)) {
      assertThat(ahead.next("welcome").getLong("lastSeq")).isEqualTo(7);
      assertThat(ahead.next("error").getString("code")).isEqualTo("bad_since");
      http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "still live"), ann.token());
      assertThat(ahead.messageSeqs(1)).containsExactly(8L);
    }
  }

  @Test
  void badFramesGetErrorsAndTheSocketStaysOpen() {
    String id = Conversations.group(http, ann);
    try (ChatClient a = connect(id, ann, null)) {
      a.next("welcome");
      a.sendRaw("not json");
      assertThat(a.next("error").getString("code")).isEqualTo("bad_frame");
      a.sendRaw("[1,2]");
      assertThat(a.next("error").getString("code")).isEqualTo("bad_frame");
      a.send(new JsonObject().put("type", "dance"));
      assertThat(a.next("error").getString("code")).isEqualTo("bad_frame");
      a.send(new JsonObject().put("text", "no type"));
      assertThat(a.next("error").getString("code")).isEqualTo("bad_frame");
      a.send(new JsonObject().put("type", "send"));
      assertThat(a.next("error").getString("code")).isEqualTo("bad_frame");
      a.send(new JsonObject().put("type", "recall").put("seq", "one"));
      assertThat(a.next("error").getString("code")).isEqualTo("bad_frame");
      a.send(new JsonObject().put("type", "send").put("text", "x".repeat(4001)).put("clientMsgId", "long"));
      JsonObject tooLong = a.next("error");
      assertThat(tooLong.getString("code")).isEqualTo("too_long");
      assertThat(tooLong.getString("ref")).isEqualTo("long");
      a.send(new JsonObject().put("type", "recall").put("seq", 99));
      assertThat(a.next("error").getString("code")).isEqualTo("not_found");
      a.send(new JsonObject().put("type", "send").put("text", "still here"));
      assertThat(a.next("ack").getLong("seq")).isEqualTo(1);
      assertThat(a.isClosed()).isFalse();
    }
  }

  @Test
  void twentyBadFramesClose1008() {
    String id = Conversations.group(http, ann);
    try (ChatClient a = connect(id, ann, null)) {
      a.next("welcome");
      for (int i = 0; i < 20; i++) {
        a.sendRaw("bad " + i);
      }
      assertThat(a.awaitClose()).isEqualTo((short) 1008);
    }
  }

  @Test
  void frameOver64KbCloses1009() {
    String id = Conversations.group(http, ann);
    try (ChatClient a = connect(id, ann, null)) {
      a.next("welcome");
      a.send(new JsonObject().put("type", "send").put("text", "x".repeat(70_000)));
      assertThat(a.awaitClose()).isEqualTo((short) 1009);
    }
  }

  @Test
  void publicRoomsCanBeWatchedButSendingNeedsJoining() {
    http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "plaza").put("public", true), ann.token());
    try (ChatClient c = connect("plaza", cid, null)) {
      c.next("welcome");
      c.send(new JsonObject().put("type", "send").put("text", "hi").put("clientMsgId", "x"));
      JsonObject refused = c.next("error");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("ref")).isEqualTo("x");
      assertThat(http.post("/api/conversations/plaza/join", null, cid.token()).status()).isEqualTo(204);
      c.send(new JsonObject().put("type", "send").put("text", "hi"));
      assertThat(c.next("ack").getLong("seq")).isEqualTo(1);
      assertThat(http.get("/api/rooms", ann.token()).items().getJsonObject(0).getInteger("onlineCount")).isEqualTo(1);
    }
  }
}
