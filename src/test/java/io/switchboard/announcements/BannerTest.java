package io.switchboard.announcements;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.EventStream;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The global banner (SPEC §4) on two nodes over Redis: set on one node, it reaches chat sockets,
 * notification sockets and SSE streams on both; a socket that opens later gets it right after its
 * welcome; a cleared banner reaches them too and later sockets get none.
 */
class BannerTest {

  static TestCluster cluster;
  static Vertx vertx;
  static WebSocketClient client;
  static HttpClient streams;

  @BeforeAll
  static void start() throws Exception {
    // the nodes of a cluster share the media folder (README: SWITCHBOARD_MEDIA_DIR)
    cluster = TestCluster.start(Map.of("SWITCHBOARD_MEDIA_DIR", java.nio.file.Files.createTempDirectory("banner-media").toString()));
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
    streams = EventStream.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static byte[] png(int w, int h) throws IOException {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, w, h);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** A notification socket whose frames are all still to be read, its welcome included. */
  static ChatClient rawNotifications(TestNode node, Account user) {
    return ChatClient.open(client, NotificationSockets.at(node.port(), "/ws/notifications?token=" + user.token()));
  }

  /** The socket's next frame, whatever it is (frames come in order). */
  static JsonObject nextFrame(ChatClient socket) {
    return socket.next(f -> true, "any");
  }

  @Test
  void aBannerSetOnOneNodeReachesEverySocketKindOnBothAndLaterSocketsGetItAfterTheirWelcome() throws Exception {
    TestNode a = cluster.a();
    TestNode b = cluster.b();
    Account alice = Accounts.signUp(a.http(), "banner-alice");
    Account bob = Accounts.signUp(a.http(), "banner-bob");
    String group = Conversations.group(a.http(), alice, bob);
    String admin = Accounts.adminToken(b.http());
    try (ChatClient chatA = ChatClient.connect(client, a.port(), group, alice.token(), null);
        ChatClient chatB = ChatClient.connect(client, b.port(), group, bob.token(), null);
        ChatClient notesA = NotificationSockets.open(client, a.port(), bob.token(), null);
        ChatClient notesB = NotificationSockets.open(client, b.port(), alice.token(), null);
        EventStream sseA = EventStream.open(streams, a.port(), "/api/notifications/stream?token=" + alice.token(), Map.of())) {
      assertThat(chatA.next("welcome")).isNotNull();
      assertThat(chatB.next("welcome")).isNotNull();
      // NotificationSockets.open has read their welcomes
      assertThat(sseA.nextAny().fields().get("")).startsWith("live");

      Http.Response set = b.http().multipart("PUT", "/api/admin/banner", admin, "file", "notice.png", "image/png", png(640, 320),
          Map.of("text", "orders start at 9"));
      assertThat(set.status()).as(set.toString()).isEqualTo(200);
      JsonObject image = set.json().getJsonObject("image");
      assertThat(image.getInteger("width")).isEqualTo(640);
      assertThat(image.getInteger("height")).isEqualTo(320);

      for (ChatClient socket : List.of(chatA, chatB, notesA, notesB)) {
        JsonObject banner = socket.next("banner");
        assertThat(banner.getString("text")).isEqualTo("orders start at 9");
        assertThat(banner.getJsonObject("image").getString("url")).isEqualTo(image.getString("url"));
        assertThat(banner.getString("updatedAt")).isEqualTo(set.json().getString("updatedAt"));
      }
      EventStream.Event event = sseA.next();
      assertThat(event.fields().get("event")).isEqualTo("banner");
      assertThat(event.id()).isNull();
      assertThat(new JsonObject(event.data()).getString("text")).isEqualTo("orders start at 9");

      // the picture is served to signed-in users' pages as it was re-encoded
      Http.Response picture = a.http().get(image.getString("url"), alice.token());
      assertThat(picture.status()).isEqualTo(200);
      assertThat(a.http().get("/api/banner", bob.token()).json().getJsonObject("banner").getString("text"))
          .isEqualTo("orders start at 9");

      // later sockets, on either node: the welcome, then the current banner
      try (ChatClient lateChat = ChatClient.connect(client, a.port(), group, bob.token(), null);
          ChatClient lateNotes = rawNotifications(b, bob)) {
        assertThat(nextFrame(lateChat).getString("type")).isEqualTo("welcome");
        assertThat(nextFrame(lateChat).getString("text")).isEqualTo("orders start at 9");
        assertThat(nextFrame(lateNotes).getString("type")).isEqualTo("welcome");
        assertThat(nextFrame(lateNotes).getString("text")).isEqualTo("orders start at 9");
      }

      Http.Response cleared = a.http().delete("/api/admin/banner", Accounts.adminToken(a.http()));
      assertThat(cleared.status()).isEqualTo(204);
      for (ChatClient socket : List.of(chatA, chatB, notesA, notesB)) {
        JsonObject banner = socket.next("banner");
        assertThat(banner.getValue("text")).isNull();
        assertThat(banner.getValue("image")).isNull();
      }
      assertThat(b.http().get("/api/banner", alice.token()).json().getValue("banner")).isNull();
      // a socket after the clear gets no banner: its ping is answered first
      try (ChatClient after = rawNotifications(b, bob)) {
        assertThat(nextFrame(after).getString("type")).isEqualTo("welcome");
        after.send(new JsonObject().put("type", "ping"));
        assertThat(nextFrame(after).getString("type")).isEqualTo("pong");
      }
    }
  }

  @Test
  void aBannerNeedsTextAndAPictureAndIsRefusedToMembers() throws Exception {
    TestNode a = cluster.a();
    String admin = Accounts.adminToken(a.http());
    Account member = Accounts.signUp(a.http(), "banner-member");
    Http.Response refused = a.http().multipart("PUT", "/api/admin/banner", member.token(), "file", "n.png", "image/png", png(10, 10),
        Map.of("text", "mine"));
    assertThat(refused.status()).isEqualTo(403);
    Http.Response noText = a.http().multipart("PUT", "/api/admin/banner", admin, "file", "n.png", "image/png", png(10, 10), Map.of());
    assertThat(noText.status()).isEqualTo(400);
    Http.Response notPicture = a.http().multipart("PUT", "/api/admin/banner", admin, "file", "n.png", "image/png",
        "not a picture".getBytes(), Map.of("text", "x"));
    assertThat(notPicture.status()).isEqualTo(415);
    // nothing was stored by the refusals
    assertThat(a.http().get("/api/banner", member.token()).json().getValue("banner")).isNull();
    Http.Response textOnly = a.http().multipart("PUT", "/api/admin/banner", admin, null, null, null, null, Map.of("text", "plain notice"));
    assertThat(textOnly.status()).as(textOnly.toString()).isEqualTo(200);
    assertThat(textOnly.json().getValue("image")).isNull();
    assertThat(a.http().delete("/api/admin/banner", admin).status()).isEqualTo(204);
  }
}
