package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every response carries nosniff, DENY framing and the content security policy: docs, contract, API answers and errors. */
@SwitchboardTest
class SecurityHeadersTest {

  static TestNode node;
  static Http http;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
  }

  static void assertHardened(Http.Response r) {
    assertThat(r.header("X-Content-Type-Options")).as(r.toString()).isEqualTo("nosniff");
    assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(r.header("Content-Security-Policy")).isEqualTo(
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'");
  }

  @Test
  void docsAndContract() {
    Http.Response page = http.get("/docs/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("swagger-ui");
    assertHardened(page);
    Http.Response initializer = http.get("/docs/swagger-initializer.js");
    assertThat(initializer.status()).isEqualTo(200);
    assertHardened(initializer);
    Http.Response contract = http.get("/openapi.yaml");
    assertThat(contract.status()).isEqualTo(200);
    assertHardened(contract);
    assertHardened(http.get("/docs"));
  }

  @Test
  void apiAnswersAndErrors() {
    Http.Response live = http.get("/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertHardened(live);
    Http.Response anonymous = http.get("/api/me");
    assertThat(anonymous.status()).isEqualTo(401);
    assertHardened(anonymous);
    Http.Response invalid = http.post("/api/auth/login", new io.vertx.core.json.JsonObject().put("username", "x"));
    assertThat(invalid.status()).isEqualTo(400);
    assertHardened(invalid);
    Http.Response unknown = http.get("/api/nothing-here");
    assertThat(unknown.status()).isEqualTo(404);
    assertHardened(unknown);
  }

  /** The web client: its page and modules from the jar, never cached stale, under a policy with no inline script. */
  @Test
  void webClientPageAndAssets() {
    for (String path : List.of("/", "/admin")) {
      Http.Response page = http.get(path);
      assertThat(page.status()).as(path).isEqualTo(200);
      assertThat(page.header("Content-Type")).startsWith("text/html");
      assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(page.body()).contains("<script type=\"module\" src=\"/app/main.js\"></script>");
      assertHardened(page);
    }
    assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY).contains("script-src 'self';").doesNotContain("script-src 'self' 'unsafe");
    Http.Response module = http.get("/app/main.js");
    assertThat(module.status()).isEqualTo(200);
    assertThat(module.header("Content-Type")).startsWith("text/javascript").containsIgnoringCase("charset=utf-8");
    assertThat(module.header("Cache-Control")).isEqualTo("no-cache");
    assertHardened(module);
    assertThat(http.get("/app/app.css").header("Content-Type")).startsWith("text/css");
    assertThat(http.get("/app/nothing-here.js").status()).isEqualTo(404);
    assertThat(http.get("/app/../../logback.xml").status()).isIn(400, 404);
    assertThat(http.get("/app/").status()).isEqualTo(404);
  }
}
