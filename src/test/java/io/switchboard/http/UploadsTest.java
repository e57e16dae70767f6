package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multipart bodies are read only by the operations that take uploads, and only once the caller is
 * known: nothing reaches data.dir/uploads before that.
 */
class UploadsTest {

  static TestNode node;
  static Http http;
  static Path uploads;

  // its own node: it checks that the node's whole uploads folder stays empty
  @BeforeAll
  static void start() {
    node = TestNode.start();
    http = node.http();
    uploads = Path.of(node.settings().get("SWITCHBOARD_DATA_DIR"), "uploads");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static byte[] png() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", out);
    return out.toByteArray();
  }

  static Http.Response avatar(String token, byte[] file) {
    return http.multipart("PUT", "/api/me/avatar", token, "file", "a.png", "image/png", file, Map.of());
  }

  static boolean nothingUploaded() {
    if (!Files.exists(uploads)) {
      return true;
    }
    try (Stream<Path> files = Files.list(uploads)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void uploadsAreReadOnlyAfterAuthenticationAndOnlyWhereTheyAreTaken() throws Exception {
    Account ann = Accounts.signUp(http, "uploader");

    Http.Response anonymous = avatar(null, png());
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.errorCode()).isEqualTo("unauthorized");
    Http.Response badToken = avatar("not-a-token", png());
    assertThat(badToken.status()).isEqualTo(401);
    // a large anonymous upload is refused as well, and its connection serves the next request
    assertThat(avatar(null, new byte[2 << 20]).status()).isEqualTo(401);
    assertThat(http.get("/health/live").status()).isEqualTo(200);
    // nothing was written, not even the folder
    assertThat(uploads).doesNotExist();

    Http.Response elsewhere = http.multipart("POST", "/api/conversations", ann.token(), "file", "a.png", "image/png", png(),
        Map.of("kind", "group"));
    assertThat(elsewhere.status()).isEqualTo(415);
    assertThat(elsewhere.errorCode()).isEqualTo("unsupported_media_type");
    assertThat(http.multipart("POST", "/api/auth/login", null, "file", "a.png", "image/png", png(), Map.of()).status()).isEqualTo(415);
    Http.Response mixed = http.sendBytes("PUT", "/api/me/avatar", "--b\r\n\r\nx\r\n--b--\r\n".getBytes(), ann.token(),
        Map.of("Content-Type", "multipart/mixed; boundary=b"));
    assertThat(mixed.status()).isEqualTo(415);
    assertThat(uploads).doesNotExist();

    // the signed-in caller's upload is read, to this folder, and cleaned up after
    Http.Response stored = avatar(ann.token(), png());
    assertThat(stored.status()).as(stored.toString()).isEqualTo(200);
    assertThat(uploads).isDirectory();
    Wait.until(Duration.ofSeconds(10), "the upload's temporary file removed", UploadsTest::nothingUploaded);
  }
}
