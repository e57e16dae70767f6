package io.switchboard.auth;

import static io.switchboard.testing.Accounts.login;
import static io.switchboard.testing.Accounts.register;
import static io.switchboard.testing.Accounts.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §3 own profile through HTTP: display name, password change, avatar upload and serving. */
class MeTest {

  static final long MAX_UPLOAD = 1_048_576;
  static TestNode node;
  static Http http;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_HTTP_MAX_UPLOAD_BYTES", String.valueOf(MAX_UPLOAD)));
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static byte[] image(int width, int height, int type, String format) throws IOException {
    BufferedImage img = new BufferedImage(width, height, type);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).isTrue();
    return out.toByteArray();
  }

  static Http.Response upload(String token, String contentType, byte[] bytes) {
    return http.multipart("PUT", "/api/me/avatar", token, "file", "avatar", contentType, bytes, Map.of());
  }

  static HttpResponse<byte[]> fetchBytes(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).timeout(Duration.ofSeconds(10)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void profileCanBeReadAndRenamed() {
    String id = register(http, "profiled", "profiled-password").getString("id");
    String token = token(http, "profiled", "profiled-password");
    Http.Response me = http.get("/api/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getString("id")).isEqualTo(id);
    assertThat(me.json().getString("username")).isEqualTo("profiled");
    assertThat(me.json().getJsonArray("groups")).containsExactly("member");
    // what the member group gives, for the web client to show only what the user may do
    assertThat(me.json().getJsonArray("permissions")).containsExactly("rooms.create");
    assertThat(me.json().containsKey("passwordHash")).isFalse();

    Http.Response renamed = http.patch("/api/me", new JsonObject().put("displayName", "Pro Filed"), token);
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.json().getString("displayName")).isEqualTo("Pro Filed");
    assertThat(http.get("/api/me", token).json().getString("displayName")).isEqualTo("Pro Filed");

    assertThat(http.patch("/api/me", new JsonObject().put("displayName", ""), token).status()).isEqualTo(400);
    assertThat(http.patch("/api/me", new JsonObject().put("displayName", "x".repeat(65)), token).status()).isEqualTo(400);
    assertThat(http.patch("/api/me", new JsonObject().put("superuser", true), token).status()).isEqualTo(400);
    assertThat(http.get("/api/me").status()).isEqualTo(401);
  }

  @Test
  void passwordChangeEndsOtherSessionsButKeepsTheCurrentOne() {
    register(http, "changer", "old-password-1");
    JsonObject current = login(http, "changer", "old-password-1");
    JsonObject other = login(http, "changer", "old-password-1");
    String token = current.getString("accessToken");

    Http.Response wrong = http.put("/api/me/password",
        new JsonObject().put("currentPassword", "not-my-password").put("newPassword", "new-password-2"), token);
    assertThat(wrong.status()).isIn(401, 403);
    assertThat(http.get("/api/me", other.getString("accessToken")).status()).isEqualTo(200);
    assertThat(http.put("/api/me/password", new JsonObject().put("currentPassword", "old-password-1").put("newPassword", "short"), token)
        .status()).isEqualTo(400);

    Http.Response changed = http.put("/api/me/password",
        new JsonObject().put("currentPassword", "old-password-1").put("newPassword", "new-password-2"), token);
    assertThat(changed.status()).as(changed.toString()).isEqualTo(204);

    assertThat(http.get("/api/me", token).status()).isEqualTo(200);
    assertThat(http.get("/api/me", other.getString("accessToken")).status()).isEqualTo(401);
    assertThat(http.post("/api/auth/refresh", new JsonObject().put("refreshToken", other.getString("refreshToken"))).status()).isEqualTo(401);
    assertThat(http.post("/api/auth/refresh", new JsonObject().put("refreshToken", current.getString("refreshToken"))).status())
        .isEqualTo(200);

    assertThat(http.post("/api/auth/login", new JsonObject().put("username", "changer").put("password", "old-password-1")).status())
        .isEqualTo(401);
    assertThat(token(http, "changer", "new-password-2")).isNotBlank();
  }

  @Test
  void avatarIsStoredResizedAndServedWithoutAuth() throws Exception {
    register(http, "pictured", "pictured-password");
    String token = token(http, "pictured", "pictured-password");

    Http.Response r = upload(token, "image/png", image(600, 400, BufferedImage.TYPE_INT_RGB, "png"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String url = r.json().getString("avatarUrl");
    assertThat(url).matches("/media/[0-9a-f-]{36}");
    assertThat(http.get("/api/me", token).json().getString("avatarUrl")).isEqualTo(url);

    HttpResponse<byte[]> served = fetchBytes(url);
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(served.headers().firstValue("Cache-Control").orElse("")).contains("max-age");
    BufferedImage stored = ImageIO.read(new ByteArrayInputStream(served.body()));
    assertThat(stored.getWidth()).isEqualTo(256);
    assertThat(stored.getHeight()).isBetween(170, 171);

    // JPEG in, PNG out; a small picture keeps its size
    Http.Response jpeg = upload(token, "image/jpeg", image(100, 80, BufferedImage.TYPE_INT_RGB, "jpeg"));
    assertThat(jpeg.status()).as(jpeg.toString()).isEqualTo(200);
    BufferedImage small = ImageIO.read(new ByteArrayInputStream(fetchBytes(jpeg.json().getString("avatarUrl")).body()));
    assertThat(small.getWidth()).isEqualTo(100);
    assertThat(small.getHeight()).isEqualTo(80);

    assertThat(fetchBytes("/media/00000000-0000-0000-0000-00000000abcd").statusCode()).isEqualTo(404);
    assertThat(http.get("/media/not-an-id").errorCode()).isEqualTo("not_found");
  }

  @Test
  void avatarRefusesWhatIsNotAnImage() throws Exception {
    register(http, "texter", "texter-password");
    String token = token(http, "texter", "texter-password");
    Http.Response text = upload(token, "image/png", "this is not a picture at all".getBytes());
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.errorCode()).isEqualTo("unsupported_media_type");
    // a format ImageIO reads but avatars do not accept
    Http.Response bmp = upload(token, "image/bmp", image(20, 20, BufferedImage.TYPE_INT_RGB, "bmp"));
    assertThat(bmp.status()).isEqualTo(415);
    Http.Response json = http.put("/api/me/avatar", new JsonObject().put("file", "x"), token);
    assertThat(json.status()).isEqualTo(415);
    Http.Response noFile = http.multipart("PUT", "/api/me/avatar", token, "file", "a.png", "image/png", null, Map.of("other", "value"));
    assertThat(noFile.status()).isEqualTo(400);
    assertThat(upload(null, "image/png", image(10, 10, BufferedImage.TYPE_INT_RGB, "png")).status()).isEqualTo(401);
    assertThat(http.get("/api/me", token).json().getString("avatarUrl")).isNull();
  }

  @Test
  void avatarRefusesHugeDimensionsAndOversizedBodies() throws Exception {
    register(http, "bomber", "bomber-password");
    String token = token(http, "bomber", "bomber-password");

    // tiny files that claim huge pictures are refused from their header, before decoding
    Http.Response wide = upload(token, "image/png", image(9000, 2, BufferedImage.TYPE_BYTE_BINARY, "png"));
    assertThat(wide.status()).as(wide.toString()).isEqualTo(413);
    assertThat(wide.errorCode()).isEqualTo("too_large");
    byte[] manyPixels = image(7000, 7000, BufferedImage.TYPE_BYTE_BINARY, "png");
    assertThat(manyPixels.length).isLessThan((int) MAX_UPLOAD);
    assertThat(upload(token, "image/png", manyPixels).status()).isEqualTo(413);

    Http.Response big = upload(token, "image/png", new byte[(int) MAX_UPLOAD * 2]);
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.errorCode()).isEqualTo("too_large");
    assertThat(http.get("/api/me", token).json().getString("avatarUrl")).isNull();
  }
}
