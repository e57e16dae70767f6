package io.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Picture messages (SPEC §4) through {@code POST /api/conversations/{id}/images}: re-encoded within
 * the limits, delivered live with a URL signed for each reader, served only on a valid signed URL,
 * gone with their message; bad uploads refused with nothing stored.
 */
class PictureMessagesTest {

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "1000", "SWITCHBOARD_RATE_PER_SECOND", "1000",
        "SWITCHBOARD_JOBS_POLL_MILLIS", "100", "SWITCHBOARD_IMAGE_QUEUE", "32"));
    http = node.http();
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

  static Http.Response upload(String conversation, Account from, byte[] file, String name, Map<String, String> fields) {
    return http.multipart("POST", "/api/conversations/" + conversation + "/images", from.token(), "file", name, "image/png", file, fields);
  }

  static long mediaRows() {
    return Long.parseLong(TestDb.query(node, "SELECT count(*) FROM media WHERE conversation_id IS NOT NULL").get(0).get(0).toString());
  }

  static BufferedImage decode(Http.Binary r) throws Exception {
    return ImageIO.read(new ByteArrayInputStream(r.bytes()));
  }

  @Test
  void aLargePhotoComesBackWithinTheLimitsAndReachesTheOtherSocketWithItsOwnSignedUrl() throws Exception {
    Account alice = Accounts.signUp(http, "pic-alice");
    Account bob = Accounts.signUp(http, "pic-bob");
    String group = Conversations.group(http, alice, bob);
    try (ChatClient bobs = ChatClient.connect(client, node.port(), group, bob.token(), null)) {
      bobs.next("welcome");
      Http.Response sent = upload(group, alice, TestImages.photoLikePng(3000, 1500), "holiday.png",
          Map.of("caption", "the view", "clientMsgId", "pic-1"));
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      JsonObject image = sent.json().getJsonObject("image");
      assertThat(image.getInteger("width")).isEqualTo(2048);
      assertThat(image.getInteger("height")).isEqualTo(1024);
      assertThat(image.getInteger("bytes")).isLessThanOrEqualTo(204_800);
      assertThat(sent.json().getString("text")).isEqualTo("the view");
      assertThat(image.getString("url")).contains("r=" + alice.id());

      JsonObject frame = bobs.next("message").getJsonObject("message");
      String bobsUrl = frame.getJsonObject("image").getString("url");
      assertThat(bobsUrl).startsWith("/media/").contains("r=" + bob.id()).contains("&e=").contains("&s=");
      Http.Binary picture = http.binary(bobsUrl);
      assertThat(picture.status()).isEqualTo(200);
      assertThat(picture.header("Cache-Control")).startsWith("private");
      assertThat(picture.header("ETag")).isNotBlank();
      assertThat(picture.bytes().length).isEqualTo(image.getInteger("bytes"));
      BufferedImage decoded = decode(picture);
      assertThat(decoded.getWidth()).isEqualTo(2048);
      assertThat(decoded.getHeight()).isEqualTo(1024);

      // history signs for its caller too
      JsonObject listed = (JsonObject) http.get("/api/conversations/" + group + "/messages", bob.token()).items().getValue(0);
      assertThat(listed.getJsonObject("image").getString("url")).contains("r=" + bob.id());
      // a retried clientMsgId answers the stored message and keeps no second copy
      long before = mediaRows();
      Http.Response again = upload(group, alice, TestImages.photoLikePng(300, 300), "again.png", Map.of("clientMsgId", "pic-1"));
      assertThat(again.status()).isEqualTo(201);
      assertThat(again.json().getLong("seq")).isEqualTo(sent.json().getLong("seq"));
      assertThat(mediaRows()).isEqualTo(before);
    }
  }

  @Test
  void aPrivatePictureIsRefusedUnsignedTamperedForAnotherReaderOrExpired() throws Exception {
    Account alice = Accounts.signUp(http, "sig-alice");
    Account outsider = Accounts.signUp(http, "sig-outsider");
    String group = Conversations.group(http, alice);
    Http.Response sent = upload(group, alice, TestImages.photoLikePng(200, 200), "p.png", Map.of());
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    String url = sent.json().getJsonObject("image").getString("url");
    String bare = url.substring(0, url.indexOf('?'));
    assertThat(http.get(url).status()).isEqualTo(200);
    assertThat(http.get(bare).status()).isEqualTo(403);
    assertThat(http.get(bare, outsider.token()).status()).isEqualTo(403);
    assertThat(http.get(url.replace("r=" + alice.id(), "r=" + outsider.id())).status()).isEqualTo(403);
    String signature = url.substring(url.indexOf("&s=") + 3);
    String flipped = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
    assertThat(http.get(url.replace(signature, flipped)).status()).isEqualTo(403);
    long expires = Long.parseLong(url.replaceAll(".*&e=(\\d+)&.*", "$1"));
    assertThat(http.get(url.replace("e=" + expires, "e=" + (expires + 3600))).status()).isEqualTo(403);
    // an outsider cannot send into the conversation either, and nothing is stored for the attempt
    long before = mediaRows();
    assertThat(upload(group, outsider, TestImages.photoLikePng(50, 50), "x.png", Map.of()).status()).isEqualTo(403);
    assertThat(mediaRows()).isEqualTo(before);

    try (TestNode shortLived = TestNode.start(Map.of("SWITCHBOARD_MEDIA_URL_TTL_SECONDS", "1"))) {
      Account carol = Accounts.signUp(shortLived.http(), "sig-carol");
      String mine = Conversations.group(shortLived.http(), carol);
      Http.Response p = shortLived.http().multipart("POST", "/api/conversations/" + mine + "/images", carol.token(), "file", "p.png",
          "image/png", TestImages.photoLikePng(64, 64), Map.of());
      String shortUrl = p.json().getJsonObject("image").getString("url");
      long until = Long.parseLong(shortUrl.replaceAll(".*&e=(\\d+)&.*", "$1"));
      Wait.until(Duration.ofSeconds(10), "the URL's expiry", () -> System.currentTimeMillis() / 1000 > until);
      assertThat(shortLived.http().get(shortUrl).status()).isEqualTo(403);
    }
  }

  @Test
  void badUploadsAreRefusedWithNothingStoredAndTheServerKeepsServing() {
    Account alice = Accounts.signUp(http, "bad-alice");
    String group = Conversations.group(http, alice);
    long before = mediaRows();
    assertThat(upload(group, alice, "just text, named like a picture".getBytes(), "notes.png", Map.of()).status()).isEqualTo(415);
    assertThat(upload(group, alice, TestImages.bombPng(50_000, 50_000), "bomb.png", Map.of()).status()).isEqualTo(413);
    assertThat(upload(group, alice, TestImages.photoLikePng(20, 20), "p.png", Map.of("caption", "x".repeat(4001))).status())
        .isEqualTo(400);
    assertThat(mediaRows()).isEqualTo(before);
    assertThat(http.get("/api/conversations/" + group + "/messages", alice.token()).items()).isEmpty();
    // GIF (first frame) and WebP are pictures too; the server still answers after the bomb
    assertThat(upload(group, alice, TestImages.gif(), "a.gif", Map.of()).status()).isEqualTo(201);
    assertThat(upload(group, alice, TestImages.webp(), "a.webp", Map.of()).status()).isEqualTo(201);
  }

  @Test
  void aPictureGoesWithItsMessageWhenRecalledDeletedOrPurged() {
    Account alice = Accounts.signUp(http, "gone-alice");
    String group = Conversations.group(http, alice);
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Http.Response sent = upload(group, alice, TestImages.photoLikePng(40, 40), "p.png", Map.of());
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      urls.add(sent.json().getJsonObject("image").getString("url"));
    }
    assertThat(http.post("/api/conversations/" + group + "/messages/1/recall", null, alice.token()).status()).isEqualTo(200);
    assertThat(http.get(urls.get(0)).status()).isEqualTo(404);
    assertThat(http.delete("/api/conversations/" + group + "/messages/2", alice.token()).status()).isEqualTo(200);
    assertThat(http.get(urls.get(1)).status()).isEqualTo(404);
    // retention keeps the newest text message only: the third picture's message is purged, and its picture with it
    assertThat(http.post("/api/conversations/" + group + "/messages", new JsonObject().put("text", "newest"), alice.token()).status())
        .isEqualTo(201);
    assertThat(http.patch("/api/conversations/" + group, new JsonObject().put("retention", new JsonObject().put("maxMessages", 1)),
        alice.token()).status()).isEqualTo(200);
    String admin = Accounts.adminToken(http);
    assertThat(http.post("/api/admin/schedules/messages.retention/run", null, admin).status()).isEqualTo(202);
    Wait.until(Duration.ofSeconds(15), "the purge of the third picture", () -> http.get(urls.get(2)).status() == 404);
  }

  /** Uploads decode on the image pool: a burst of them leaves the event loops free (a ping on a socket is answered quickly meanwhile). */
  @Test
  void twentyConcurrentUploadsKeepTheEventLoopResponsive() throws Exception {
    Account alice = Accounts.signUp(http, "burst-alice");
    String group = Conversations.group(http, alice);
    byte[] photo = TestImages.photoLikePng(1600, 1200);
    try (ChatClient probe = ChatClient.connect(client, node.port(), group, alice.token(), null)) {
      probe.next("welcome");
      List<CompletableFuture<Integer>> uploads = new ArrayList<>();
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
      for (int i = 0; i < 20; i++) {
        int n = i;
        uploads.add(CompletableFuture.supplyAsync(() -> upload(group, alice, photo, "burst-" + n + ".png", Map.of()).status(), pool));
      }
      CompletableFuture<Void> all = CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new));
      long worst = 0;
      while (!all.isDone()) {
        long sentAt = System.nanoTime();
        probe.send(new JsonObject().put("type", "ping"));
        probe.next("pong");
        worst = Math.max(worst, (System.nanoTime() - sentAt) / 1_000_000);
        Thread.sleep(10);
      }
      all.get(120, TimeUnit.SECONDS);
      pool.shutdown();
      List<Integer> statuses = uploads.stream().map(CompletableFuture::join).toList();
      assertThat(statuses).allSatisfy(s -> assertThat(s).isIn(201, 503));
      assertThat(statuses).contains(201);
      assertThat(worst).as("largest ping round trip during the uploads, ms").isLessThan(100);
    }
  }
}
