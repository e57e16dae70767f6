package io.switchboard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The foundation through HTTP: readiness, the contract and docs, and SPEC §2 error bodies. */
@SwitchboardTest
class FoundationTest {

  static TestNode node;
  static Http http;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
  }

  @Test
  void readyAfterStart() {
    Http.Response ready = http.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks").getString("postgres")).isEqualTo("up");
    assertThat(http.get("/health/live").json().getString("status")).isEqualTo("up");
    assertThat(ready.header("X-Request-Id")).isNotBlank();
  }

  @Test
  void contractAndDocsAreServed() {
    Http.Response contract = http.get("/openapi.yaml");
    assertThat(contract.status()).isEqualTo(200);
    assertThat(contract.body()).startsWith("openapi: 3.1.0");
    assertThat(contract.header("Content-Type")).contains("yaml");

    Http.Response docs = http.get("/docs/");
    assertThat(docs.status()).isEqualTo(200);
    assertThat(docs.body()).contains("swagger-ui");
    assertThat(http.get("/docs/swagger-ui-bundle.js").status()).isEqualTo(200);
    assertThat(http.get("/docs/swagger-initializer.js").body()).contains("/openapi.yaml");
  }

  @Test
  void unknownRouteIs404Json() {
    Http.Response r = http.get("/api/nothing-here");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("not_found");
    assertThat(r.json().getJsonObject("error").getString("message")).isNotBlank();
  }

  @Test
  void wrongMethodIs405Json() {
    Http.Response r = http.post("/health/live", new JsonObject());
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.errorCode()).isEqualTo("method_not_allowed");
  }

  @Test
  void malformedJsonIs400() {
    Http.Response r = http.send("POST", "/api/auth/register", "{\"username\": ", null, Map.of("Content-Type", "application/json"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("validation_failed");
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void validationFailureNamesTheField() {
    Http.Response r = http.post("/api/auth/register", new JsonObject().put("username", "ab").put("password", "long-enough-password"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("validation_failed");
    assertThat(r.json().getJsonObject("error").getString("message")).contains("username");

    Http.Response missing = http.post("/api/auth/register", new JsonObject().put("username", "abcdef"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().getJsonObject("error").getString("message")).contains("password");
  }

  @Test
  void wrongContentTypeIs415() {
    Http.Response r = http.send("POST", "/api/auth/register", "username=abc", null, Map.of("Content-Type", "text/plain"));
    assertThat(r.status()).isIn(400, 415);
    assertThat(r.json().containsKey("error")).isTrue();
  }

  @Test
  void oversizedBodyIs413() {
    String big = "{\"username\":\"" + "a".repeat(200_000) + "\",\"password\":\"whatever123\"}";
    Http.Response r = http.send("POST", "/api/auth/register", big, null, Map.of("Content-Type", "application/json"));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("too_large");
  }

  @Test
  void nulCharactersInAJsonBodyAre400NotAStorageFailure() {
    io.switchboard.testing.Accounts.Account ann = io.switchboard.testing.Accounts.signUp(http, "nul-body");
    Http.Response me = http.patch("/api/me", new JsonObject().put("displayName", "a\u0000b"), ann.token());
    assertThat(me.status()).as(me.toString()).isEqualTo(400);
    assertThat(me.errorCode()).isEqualTo("validation_failed");
    assertThat(me.json().getJsonObject("error").getString("message")).contains("NUL");
    Http.Response login = http.post("/api/auth/login", new JsonObject().put("username", "nul\u0000name").put("password", "whatever123"));
    assertThat(login.status()).as(login.toString()).isEqualTo(400);
    // an escaped backslash before "u0000" is text, not a NUL
    Http.Response literal = http.send("PATCH", "/api/me", "{\"displayName\":\"back\\\\u0000slash\"}", ann.token(),
        Map.of("Content-Type", "application/json"));
    assertThat(literal.status()).as(literal.toString()).isEqualTo(200);
    assertThat(literal.json().getString("displayName")).isEqualTo("back\\u0000slash");
  }

  @Test
  void brokenPercentEncodingAndNulInTheTargetAre400() throws Exception {
    for (String target : java.util.List.of("/api/admin/users/%ZZ", "/api/conversations/%/images", "/api/rooms?limit=%ZZ",
        "/api/admin/users?q=%00", "/api/conversations/%0")) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.port())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(answer).as(target).startsWith("HTTP/1.1 400").contains("\"validation_failed\"");
      }
    }
    assertThat(http.get("/health/live?note=%E2%80%AE").status()).isEqualTo(200);
  }
}
