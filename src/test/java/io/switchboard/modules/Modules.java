package io.switchboard.modules;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.Wait;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The old clients' endpoints (SPEC §7, docs/modules.md) as they see them: raw bytes of the envelopes. */
final class Modules {

  static final String SUCCESS_HEAD = "{\"code\":\"2000\",\"message\":\"成功!\",\"result\":";
  static final Pattern HASH_BODY = Pattern.compile("^\\{\"code\":\"2000\",\"message\":\"成功!\",\"result\":\\{\"hash\":\"([^\"]*)\"\\}\\}$");
  static final Pattern HASH = Pattern.compile("^[0-9a-f]{32}$");

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Modules() {
  }

  /** A response as bytes: the envelope is compared byte for byte. */
  record Raw(int status, byte[] bytes, String contentType) {

    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return status + " " + contentType + " " + text();
    }
  }

  static String ok(String resultJson) {
    return SUCCESS_HEAD + resultJson + "}";
  }

  static String badRequest(String message) {
    return "{\"code\":\"4000\",\"message\":\"" + message + "\",\"result\":null}";
  }

  static final String UNKNOWN = "{\"code\":\"4004\",\"message\":\"unknown module\",\"result\":null}";

  static Raw get(int port, String pathAndQuery) {
    return send(port, HttpRequest.newBuilder(uri(port, pathAndQuery)).GET());
  }

  static Raw post(int port, String path, String body) {
    return send(port, HttpRequest.newBuilder(uri(port, path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8))));
  }

  static Raw send(int port, String method, String path, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(port, path)).method(method,
        HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(port, b);
  }

  private static URI uri(int port, String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  private static Raw send(int port, HttpRequest.Builder b) {
    try {
      HttpResponse<byte[]> r = CLIENT.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Raw(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(null));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Asserts an envelope: HTTP 200, JSON in UTF-8, and exactly these bytes. */
  static void assertEnvelope(Raw r, String expected) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.contentType()).as("content type of " + r).isNotNull().startsWith("application/json");
    String ct = r.contentType().toLowerCase(java.util.Locale.ROOT).replace(" ", "");
    if (ct.contains("charset=")) {
      assertThat(ct).as("charset").contains("charset=utf-8");
    }
    assertThat(r.text()).as("envelope").isEqualTo(expected);
    assertThat(r.bytes()).as("envelope bytes (UTF-8)").isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
  }

  /** The hash of a success envelope, after checking it byte for byte. */
  static String hashOf(Raw r) {
    Matcher m = HASH_BODY.matcher(r.text());
    assertThat(m.matches()).as("a hash envelope: " + r).isTrue();
    String hash = m.group(1);
    assertThat(hash).matches(HASH);
    assertEnvelope(r, ok("{\"hash\":\"" + hash + "\"}"));
    return hash;
  }

  static String query(Map<String, String> fields) {
    StringBuilder q = new StringBuilder();
    fields.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return q.toString();
  }

  static Map<String, String> fields(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Registers by GET with every field; answers the hash. */
  static String register(int port, String name, String description, String missionKind, String dataRequirement) {
    return hashOf(get(port, "/module/register" + query(fields("name", name, "description", description, "missionKind", missionKind,
        "dataRequirement", dataRequirement))));
  }

  static String register(int port, String name) {
    return register(port, name, "about " + name, "forecast", "{\"inputs\":[\"" + name + "\"]}");
  }

  /** The result list of {@code /module/online?hash=}, checked to be a success envelope. */
  static JsonArray online(int port, String hash) {
    Raw r = get(port, "/module/online?hash=" + hash);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.text()).as(r.toString()).startsWith(SUCCESS_HEAD);
    return new JsonObject(r.text()).getJsonArray("result");
  }

  static boolean isOnline(int port, String hash) {
    return !online(port, hash).isEmpty();
  }

  /** The entry of an online module in {@code /module/online?hash=}. */
  static JsonObject onlineEntry(int port, String hash) {
    JsonArray list = online(port, hash);
    assertThat(list).as("online entry of " + hash).hasSize(1);
    return list.getJsonObject(0);
  }

  static void awaitOnline(int port, String hash, Duration timeout) {
    Wait.until(timeout, hash + " online", () -> isOnline(port, hash));
  }

  static void awaitOffline(int port, String hash, Duration timeout) {
    Wait.until(timeout, hash + " offline", () -> !isOnline(port, hash));
  }

  /** The item of a module in the management list (searched by its name), or null. */
  static JsonObject managed(Http http, String token, String name) {
    Http.Response r = http.get("/api/modules?q=" + URLEncoder.encode(name, StandardCharsets.UTF_8), token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.items().stream().map(o -> (JsonObject) o).filter(m -> name.equals(m.getString("name"))).findFirst().orElse(null);
  }
}
