package io.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.Future;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The image pipeline through the avatar upload (PUT /api/me/avatar), on a whole node. */
class AvatarUploadTest {

  static TestNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Http.Response upload(Account who, String filename, String contentType, byte[] bytes) {
    return http.multipart("PUT", "/api/me/avatar", who.token(), "file", filename, contentType, bytes, Map.of());
  }

  static BufferedImage served(Http.Response uploaded) throws Exception {
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
    String url = uploaded.json().getString("avatarUrl");
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + url)).timeout(Duration.ofSeconds(10)).build();
    HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("image/png");
    return ImageIO.read(new ByteArrayInputStream(response.body()));
  }

  @Test
  void aTextFileNamedPngIsUnsupported() {
    Account ann = Accounts.signUp(http, "texty");
    Http.Response r = upload(ann, "cat.png", "image/png", "definitely not a picture\n".repeat(20).getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.errorCode()).isEqualTo("unsupported_media_type");
    assertThat(http.get("/api/me", ann.token()).json().getString("avatarUrl")).isNull();
  }

  @Test
  void aReplacedAvatarIsDeleted() {
    Account cat = Accounts.signUp(http, "avatar-replaced");
    String first = upload(cat, "one.png", "image/png", TestImages.gif()).json().getString("avatarUrl");
    assertThat(http.get(first).status()).isEqualTo(200);
    String second = upload(cat, "two.webp", "image/webp", TestImages.webp()).json().getString("avatarUrl");
    assertThat(second).isNotEqualTo(first);
    assertThat(http.get(second).status()).isEqualTo(200);
    assertThat(http.get(first).status()).isEqualTo(404);
  }

  @Test
  void aBombHeaderIs413AndTheServerKeepsServing() throws Exception {
    Account bob = Accounts.signUp(http, "bomber2");
    byte[] bomb = TestImages.bombPng(50_000, 50_000);
    assertThat(bomb.length).isLessThan(16 * 1024);
    Http.Response r = upload(bob, "bomb.png", "image/png", bomb);
    assertThat(r.status()).as(r.toString()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("too_large");
    assertThat(http.get("/api/me", bob.token()).status()).isEqualTo(200);
    BufferedImage avatar = served(upload(bob, "fine.png", "image/png", TestImages.photoLikePng(300, 300)));
    assertThat(avatar.getWidth()).isEqualTo(256);
  }

  @Test
  void gifAndWebpAreAcceptedWhateverTheyAreCalled() throws Exception {
    Account cat = Accounts.signUp(http, "animated");
    BufferedImage gif = served(upload(cat, "a.jpg", "application/octet-stream", TestImages.gif()));
    assertThat(gif.getWidth()).isEqualTo(60);
    assertThat(gif.getHeight()).isEqualTo(40);
    BufferedImage webp = served(upload(cat, "b.txt", "text/plain", TestImages.webp()));
    assertThat(webp.getWidth()).isEqualTo(48);
    assertThat(webp.getHeight()).isEqualTo(32);
  }

  @Test
  void anExifRotatedPhotoBecomesAnUprightAvatar() throws Exception {
    Account dan = Accounts.signUp(http, "sideways");
    BufferedImage avatar = served(upload(dan, "phone.jpg", "image/jpeg", TestImages.exifRotatedJpeg()));
    // stored 400x200, orientation 6: upright 200x400, at most 256 px: 128x256, the marker at the top right
    assertThat(avatar.getWidth()).isEqualTo(128);
    assertThat(avatar.getHeight()).isEqualTo(256);
    assertThat(ImageProcessorTest.isMarker(avatar.getRGB(128 - 8, 8))).isTrue();
    assertThat(ImageProcessorTest.isMarker(avatar.getRGB(8, 8))).isFalse();
  }

  @Test
  void aFullImagePoolAnswers503WithRetryAfter() throws Exception {
    Account eve = Accounts.signUp(http, "crowded");
    // a handle on the node's own pool and admission count: fill every thread and queue place with work that waits
    ImageWork work = new ImageWork(node.node().vertx(), node.node().context().config());
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Boolean>> held = new ArrayList<>();
    try {
      while (work.admitted() < work.capacity()) {
        held.add(work.submit(() -> release.await(60, TimeUnit.SECONDS)));
      }
      Http.Response r = upload(eve, "a.png", "image/png", TestImages.photoLikePng(100, 100));
      assertThat(r.status()).as(r.toString()).isEqualTo(503);
      assertThat(r.errorCode()).isEqualTo("unavailable");
      assertThat(r.header("Retry-After")).isNotNull();
      assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
    } finally {
      release.countDown();
    }
    for (Future<Boolean> f : held) {
      assertThat(f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(served(upload(eve, "a.png", "image/png", TestImages.photoLikePng(100, 100))).getWidth()).isEqualTo(100);
  }
}
