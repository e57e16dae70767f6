package io.switchboard.announcements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.media.TestImages;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Announcements (SPEC §4): presets from the configuration, system messages, and who may send them. */
class AnnouncementsTest {

  static Path folder;
  static TestNode node;
  static Http http;
  static String admin;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() throws Exception {
    folder = Files.createTempDirectory("presets");
    Files.write(folder.resolve("countdown.png"), TestImages.photoLikePng(600, 400));
    Files.writeString(folder.resolve("announcements.json"), new JsonObject().put("presets", new JsonArray()
        .add(new JsonObject().put("name", "start-orders").put("text", "Orders are open"))
        .add(new JsonObject().put("name", "stop-orders").put("text", "Orders are closed"))
        .add(new JsonObject().put("name", "countdown").put("text", "Starting soon").put("image", "countdown.png"))).encode());
    node = TestNode.start(Map.of("SWITCHBOARD_ANNOUNCEMENT_PRESETS_FILE", folder.resolve("announcements.json").toString()));
    http = node.http();
    admin = Accounts.adminToken(http);
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void thePresetsOfTheConfigurationAreListedInOrderWithTheirPictures() {
    JsonArray items = http.get("/api/announcements/presets", admin).items();
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("name"))).containsExactly("start-orders", "stop-orders", "countdown");
    JsonObject countdown = items.getJsonObject(2);
    assertThat(countdown.getString("text")).isEqualTo("Starting soon");
    JsonObject image = countdown.getJsonObject("image");
    assertThat(image.getInteger("width")).isEqualTo(600);
    assertThat(image.getInteger("height")).isEqualTo(400);
    assertThat(http.binary(image.getString("url")).status()).isEqualTo(200);
    assertThat(items.getJsonObject(0).getValue("image")).isNull();
    // listed again: the same stored picture, not a second copy
    assertThat(http.get("/api/announcements/presets", admin).items().getJsonObject(2).getJsonObject("image").getString("url"))
        .isEqualTo(image.getString("url"));
    Account member = Accounts.signUp(http, "ann-lister");
    assertThat(http.get("/api/announcements/presets", member.token()).status()).isEqualTo(403);
  }

  @Test
  void aPresetBecomesASystemMessageOnEverySocketOfTheConversation() {
    Account alice = Accounts.signUp(http, "ann-alice");
    String group = Conversations.group(http, alice);
    try (ChatClient socket = ChatClient.connect(client, node.port(), group, alice.token(), null)) {
      socket.next("welcome");
      Http.Response sent = http.post("/api/conversations/" + group + "/announcements", new JsonObject().put("preset", "countdown"), admin);
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      assertThat(sent.json().getString("kind")).isEqualTo("system");
      JsonObject message = socket.next("message").getJsonObject("message");
      assertThat(message.getString("kind")).isEqualTo("system");
      assertThat(message.getString("text")).isEqualTo("Starting soon");
      assertThat(message.getLong("seq")).isEqualTo(sent.json().getLong("seq"));
      assertThat(http.binary(message.getJsonObject("image").getString("url")).status()).isEqualTo(200);

      // a text of its own wins over the preset's; a plain text needs no preset
      Http.Response own = http.post("/api/conversations/" + group + "/announcements",
          new JsonObject().put("preset", "start-orders").put("text", "Open until noon"), admin);
      assertThat(own.json().getString("text")).isEqualTo("Open until noon");
      assertThat(socket.next("message").getJsonObject("message").getString("text")).isEqualTo("Open until noon");
      // the seqs of system and user messages share one sequence
      Http.Response user = http.post("/api/conversations/" + group + "/messages", new JsonObject().put("text", "thanks"), alice.token());
      assertThat(user.json().getLong("seq")).isEqualTo(own.json().getLong("seq") + 1);
    }
  }

  @Test
  void badAnnouncementsAreRefusedAndStoreNothing() {
    Account alice = Accounts.signUp(http, "ann-bad");
    String group = Conversations.group(http, alice);
    Http.Response unknown = http.post("/api/conversations/" + group + "/announcements", new JsonObject().put("preset", "launch"), admin);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("launch");
    assertThat(http.post("/api/conversations/" + group + "/announcements", new JsonObject(), admin).status()).isEqualTo(400);
    assertThat(http.post("/api/conversations/" + group + "/announcements", new JsonObject().put("text", "mine"), alice.token()).status())
        .isEqualTo(403);
    assertThat(http.post("/api/conversations/00000000-0000-0000-0000-00000000abcd/announcements", new JsonObject().put("text", "x"), admin)
        .status()).isEqualTo(404);
    // a conversation's picture belongs to its message
    Http.Response picture = http.multipart("POST", "/api/conversations/" + group + "/images", alice.token(), "file", "p.png", "image/png",
        TestImages.photoLikePng(32, 32), Map.of());
    String url = picture.json().getJsonObject("image").getString("url");
    String mediaId = url.substring("/media/".length(), url.indexOf('?'));
    assertThat(http.post("/api/conversations/" + group + "/announcements", new JsonObject().put("imageId", mediaId), admin).status())
        .isEqualTo(400);
    assertThat(http.get("/api/conversations/" + group + "/messages", alice.token()).items()).hasSize(1);
  }

  @Test
  void aBrokenPresetsFileStopsTheStartSayingWhy() throws Exception {
    Path broken = Files.createTempDirectory("presets-broken").resolve("announcements.json");
    Files.writeString(broken, "{\"presets\": [{\"name\": \"same\", \"text\": \"a\"}, {\"name\": \"same\", \"text\": \"b\"}]}");
    assertThatThrownBy(() -> TestNode.start(Map.of("SWITCHBOARD_ANNOUNCEMENT_PRESETS_FILE", broken.toString())).close())
        .satisfies(e -> {
          StringBuilder messages = new StringBuilder();
          for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
          }
          assertThat(messages.toString()).contains("same twice");
        });
  }
}
