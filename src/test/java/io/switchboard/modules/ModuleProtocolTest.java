package io.switchboard.modules;

import static io.switchboard.modules.Modules.assertEnvelope;
import static io.switchboard.modules.Modules.badRequest;
import static io.switchboard.modules.Modules.fields;
import static io.switchboard.modules.Modules.ok;
import static io.switchboard.modules.Modules.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.EventStream;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7 modules on one node (docs/modules.md): the old clients' registration and online list byte
 * for byte, the heartbeat socket, and the management API and the {@code module} frames for users who
 * may see modules.
 */
class ModuleProtocolTest {

  static final int TIMEOUT_SECONDS = 2;
  static final Duration OFFLINE_WITHIN = Duration.ofSeconds(10);

  static TestNode node;
  static Http http;
  static int port;
  static String admin;
  static Vertx vertx;
  static WebSocketClient client;
  static HttpClient streams;
  static int counter;
  /** A second node: registration key set, and a frame budget of 5 with next to no refill. */
  static TestNode strict;

  @BeforeAll
  static void start() throws Exception {
    // the two nodes start side by side (each takes seconds)
    CompletableFuture<TestNode> second = CompletableFuture.supplyAsync(() -> TestNode.start(Map.of(
        "SWITCHBOARD_MODULE_REGISTRATION_KEY", "the-right-key-42",
        "SWITCHBOARD_WS_FRAME_BURST", "5", "SWITCHBOARD_WS_FRAMES_PER_SECOND", "0.01")));
    try {
      node = TestNode.start(Map.of(
          "SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS", Integer.toString(TIMEOUT_SECONDS),
          "SWITCHBOARD_MODULE_HEARTBEAT_FLUSH_MILLIS", "300",
          "SWITCHBOARD_JOBS_POLL_MILLIS", "100"));
    } finally {
      strict = second.get(120, TimeUnit.SECONDS);
    }
    http = node.http();
    port = node.port();
    admin = Accounts.adminToken(http);
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
    streams = EventStream.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (strict != null) {
      strict.close();
    }
    if (node != null) {
      node.close();
    }
  }

  static String name(String what) {
    return "mp-" + what + "-" + (++counter);
  }

  /** A module's socket that keeps itself alive (heartbeats well inside the 2 s timeout). */
  static ModuleClient alive(String hash) {
    return ModuleClient.open(vertx, client, port, hash).heartbeatEvery(400);
  }

  // ---- registration -------------------------------------------------------------------------

  @Test
  void getRegisterAnswersTheOldEnvelopeWithAHashAndTheModuleComesBackAsGiven() {
    String name = name("get");
    String requirement = "{\"inputs\": [\"temperature\", \"wind\"], \"horizon\": 48}";
    String path = "/module/register?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
        + "&description=" + URLEncoder.encode("Wetter – Vorhersage 天气", StandardCharsets.UTF_8)
        + "&missionKind=forecast&dataRequirement=" + URLEncoder.encode(requirement, StandardCharsets.UTF_8);
    Modules.Raw r = Modules.get(port, path);
    String hash = Modules.hashOf(r);

    try (ModuleClient m = alive(hash)) {
      JsonObject entry = Modules.onlineEntry(port, hash);
      assertThat(entry.fieldNames()).containsExactly("hash", "name", "description", "missionKind", "dataRequirement", "online",
          "lastHeartbeat", "node");
      assertThat(entry.getString("hash")).isEqualTo(hash);
      assertThat(entry.getString("name")).isEqualTo(name);
      assertThat(entry.getString("description")).isEqualTo("Wetter – Vorhersage 天气");
      assertThat(entry.getString("missionKind")).isEqualTo("forecast");
      assertThat(entry.getValue("dataRequirement")).as("the same text as given").isEqualTo(requirement);
      assertThat(entry.getBoolean("online")).isTrue();
      assertThat(Instant.parse(entry.getString("lastHeartbeat"))).isBefore(Instant.now().plusSeconds(5));
      assertThat(entry.getString("node")).isNotBlank();
    }
  }

  @Test
  void postRegisterTakesAJsonObjectAndADataRequirementValueComesBackAsThatValue() {
    String name = name("post");
    JsonObject requirement = new JsonObject().put("inputs", new JsonArray().add("rain")).put("horizon", 12);
    Modules.Raw r = Modules.post(port, "/module/register", new JsonObject().put("name", name).put("description", "posted")
        .put("missionKind", "nowcast").put("dataRequirement", requirement).encode());
    String hash = Modules.hashOf(r);

    String asText = name("post-text");
    String textRequirement = "{\"a\":  1}";
    String textHash = Modules.hashOf(Modules.post(port, "/module/register",
        new JsonObject().put("name", asText).put("dataRequirement", textRequirement).encode()));
    assertThat(textHash).isNotEqualTo(hash);

    try (ModuleClient m = alive(hash); ModuleClient t = alive(textHash)) {
      JsonObject entry = Modules.onlineEntry(port, hash);
      assertThat(entry.getString("description")).isEqualTo("posted");
      assertThat(entry.getString("missionKind")).isEqualTo("nowcast");
      assertThat(entry.getValue("dataRequirement")).as("the same JSON value").isEqualTo(requirement);
      assertThat(Modules.onlineEntry(port, textHash).getValue("dataRequirement")).as("the same text").isEqualTo(textRequirement);
    }
  }

  @Test
  void registeringANameAgainAnswersTheSameHashAndUpdatesTheFields() {
    String name = name("again");
    String hash = Modules.register(port, name, "first", "forecast", "{\"v\":1}");
    try (ModuleClient m = alive(hash)) {
      assertThat(Modules.onlineEntry(port, hash).getString("description")).isEqualTo("first");
      assertThat(Modules.register(port, name, "second", "hindcast", "{\"v\":2}")).isEqualTo(hash);
      JsonObject updated = Modules.onlineEntry(port, hash);
      assertThat(updated.getString("description")).isEqualTo("second");
      assertThat(updated.getString("missionKind")).isEqualTo("hindcast");
      assertThat(updated.getValue("dataRequirement")).isEqualTo("{\"v\":2}");

      // fields not given are stored as empty, dataRequirement as {}
      assertThat(Modules.hashOf(Modules.get(port, "/module/register" + query(fields("name", name))))).isEqualTo(hash);
      JsonObject emptied = Modules.onlineEntry(port, hash);
      assertThat(emptied.getString("description")).isEmpty();
      assertThat(emptied.getString("missionKind")).isEmpty();
      assertThat(String.valueOf(emptied.getValue("dataRequirement"))).isEqualTo("{}");
    }
    // the management list shows the same module once
    JsonObject item = Modules.managed(http, admin, name);
    assertThat(item).isNotNull();
    assertThat(item.getString("hash")).isEqualTo(hash);
  }

  @Test
  void withoutAConfiguredKeyAGivenKeyIsIgnoredAndACharsetInTheContentTypeIsFine() {
    String name = name("nokey");
    String hash = Modules.hashOf(Modules.get(port, "/module/register" + query(fields("name", name, "key", "whatever"))));
    Modules.Raw r = Modules.send(port, "POST", "/module/register", "application/json; charset=utf-8",
        new JsonObject().put("name", name).put("key", "whatever").encode());
    assertThat(Modules.hashOf(r)).isEqualTo(hash);
  }

  /** Whatever goes wrong before the handler (a body over the HTTP limit, another content type), the answer is an envelope. */
  @Test
  void requestsRefusedBeforeTheHandlerStillGetTheEnvelopeWithHttp200() {
    String huge = new JsonObject().put("name", name("huge")).put("description", "x".repeat(70_000)).encode();
    Modules.Raw tooBig = Modules.post(port, "/module/register", huge);
    assertThat(tooBig.status()).as(tooBig.toString()).isEqualTo(200);
    assertThat(tooBig.text()).as(tooBig.toString()).startsWith("{\"code\":\"4000\",\"message\":\"").endsWith("\",\"result\":null}");
    for (String type : new String[] {"text/plain", null}) {
      Modules.Raw other = Modules.send(port, "POST", "/module/register", type, new JsonObject().put("name", name("ctype")).encode());
      assertThat(other.status()).as(type + ": " + other).isEqualTo(200);
      assertThat(other.text()).as(type + ": " + other).matches("^\\{\"code\":\"(2000|4000)\",\"message\":\"[^\"]*\",\"result\":.*\\}$");
    }
  }

  @Test
  void badRegistrationsAnswerThe4000EnvelopeByteForByte() {
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("description", "no name"))), badRequest("name is required"));
    assertEnvelope(Modules.get(port, "/module/register"), badRequest("name is required"));
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", name("badjson"), "dataRequirement", "{not json"))),
        badRequest("dataRequirement must be valid JSON"));
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", "n".repeat(256)))),
        badRequest("name is longer than 255 characters"));
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", name("longdesc"), "description", "d".repeat(256)))),
        badRequest("description is longer than 255 characters"));
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", name("longkind"), "missionKind", "k".repeat(256)))),
        badRequest("missionKind is longer than 255 characters"));
    // 255 is still fine
    Modules.hashOf(Modules.get(port, "/module/register" + query(fields("name", "m".repeat(255)))));

    assertEnvelope(Modules.post(port, "/module/register", "[1,2]"), badRequest("body must be a JSON object"));
    assertEnvelope(Modules.post(port, "/module/register", "\"name\""), badRequest("body must be a JSON object"));
    assertEnvelope(Modules.post(port, "/module/register", "this is not JSON"), badRequest("body must be a JSON object"));
    assertEnvelope(Modules.post(port, "/module/register", "{\"description\":\"x\"}"), badRequest("name is required"));
    assertEnvelope(Modules.post(port, "/module/register", new JsonObject().put("name", name("postbad"))
        .put("dataRequirement", "{oops").encode()), badRequest("dataRequirement must be valid JSON"));
  }

  @Test
  void aDataRequirementOverItsLimitIsRefused() {
    // 16384 characters of valid JSON text pass, one more does not
    String fits = "\"" + "x".repeat(16382) + "\"";
    Modules.hashOf(Modules.post(port, "/module/register", new JsonObject().put("name", name("dr-fits")).put("dataRequirement", fits).encode()));
    String over = "\"" + "x".repeat(16383) + "\"";
    assertEnvelope(Modules.post(port, "/module/register", new JsonObject().put("name", name("dr-over")).put("dataRequirement", over).encode()),
        badRequest("dataRequirement is longer than 16384 characters"));
  }

  @Test
  void withARegistrationKeyOnlyTheRightKeyRegisters() {
    {
      TestNode keyed = strict;
      String name = name("keyed");
      assertEnvelope(Modules.get(keyed.port(), "/module/register" + query(fields("name", name, "key", "the-wrong-key"))),
          badRequest("registration key is wrong"));
      assertEnvelope(Modules.get(keyed.port(), "/module/register" + query(fields("name", name))), badRequest("registration key is wrong"));
      assertEnvelope(Modules.post(keyed.port(), "/module/register", new JsonObject().put("name", name).put("key", "the-right-key-4").encode()),
          badRequest("registration key is wrong"));
      String hash = Modules.hashOf(Modules.get(keyed.port(), "/module/register" + query(fields("name", name, "key", "the-right-key-42"))));
      assertThat(Modules.hashOf(Modules.post(keyed.port(), "/module/register",
          new JsonObject().put("name", name).put("key", "the-right-key-42").encode()))).isEqualTo(hash);
    }
  }

  @Test
  void onlineAnswers4004ForAnUnknownHashAndAnEmptyListForAnOfflineModule() {
    assertEnvelope(Modules.get(port, "/module/online?hash=0123456789abcdef0123456789abcdef"), Modules.UNKNOWN);
    String hash = Modules.register(port, name("offline"));
    assertEnvelope(Modules.get(port, "/module/online?hash=" + hash), ok("[]"));
  }

  @Test
  void theOnlineListHasEveryOnlineModuleByName() {
    String z = name("zz-list");
    String a = name("aa-list");
    String off = name("mm-list");
    String hz = Modules.register(port, z);
    String ha = Modules.register(port, a);
    Modules.register(port, off);
    try (ModuleClient mz = alive(hz); ModuleClient ma = alive(ha)) {
      Modules.Raw r = Modules.get(port, "/module/online");
      assertThat(r.text()).startsWith(Modules.SUCCESS_HEAD);
      List<String> names = new JsonObject(r.text()).getJsonArray("result").stream().map(o -> ((JsonObject) o).getString("name")).toList();
      assertThat(names).contains(a, z).doesNotContain(off);
      assertThat(names.indexOf(a)).as("by name: " + names).isLessThan(names.indexOf(z));
    }
  }

  /**
   * Lengths count characters, as the old platform (Python) did, not UTF-16 units: 255 characters
   * outside the BMP are 510 Java chars and still fit.
   */
  @Test
  void fieldLengthsCountCharactersNotUtf16Units() {
    String emoji = "\uD83D\uDE00";
    String fits = name("emoji") + emoji.repeat(200);
    Modules.Raw r = Modules.get(port, "/module/register" + query(fields("name", fits)));
    assertThat(r.text()).as("a name of %d characters (%d UTF-16 units)", fits.codePointCount(0, fits.length()), fits.length())
        .startsWith(Modules.SUCCESS_HEAD);
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", emoji.repeat(256)))),
        badRequest("name is longer than 255 characters"));
  }

  /** Comments are not JSON (the old platform's parser refused them), whatever Jackson may allow. */
  @Test
  void aDataRequirementWithCommentsIsNotValidJson() {
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", name("comment"), "dataRequirement", "{\"a\":1} // note"))),
        badRequest("dataRequirement must be valid JSON"));
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", name("comment"), "dataRequirement", "{/* x */\"a\":1}"))),
        badRequest("dataRequirement must be valid JSON"));
    assertEnvelope(Modules.get(port, "/module/register" + query(fields("name", name("trailing"), "dataRequirement", "{\"a\":1}{"))),
        badRequest("dataRequirement must be valid JSON"));
  }

  // ---- the socket ----------------------------------------------------------------------------

  /** Frames past the budget (burst 5) are dropped unanswered; 20 of them close the socket with 1008. */
  @Test
  void framesPastTheBudgetAreDroppedAndAFloodIsClosedWith1008() throws Exception {
    String hash = Modules.hashOf(Modules.get(strict.port(), "/module/register" + query(fields("name", name("budget"), "key", "the-right-key-42"))));
    try (ModuleClient m = ModuleClient.open(vertx, client, strict.port(), hash)) {
      for (int i = 0; i < 8; i++) {
        m.send("heartbeat");
      }
      for (int i = 0; i < 5; i++) {
        assertThat(m.next(5000)).isEqualTo("heartbeat confirm");
      }
      // the three past the budget are not answered (no error frame either): nothing within half a second
      Thread.sleep(500);
      assertThat(m.received()).hasSize(5);
      assertThat(m.isClosed()).isFalse();
      for (int i = 0; i < 30; i++) {
        m.send("heartbeat");
      }
      assertThat(m.awaitClose().code()).isEqualTo(1008);
      assertThat(m.received()).containsOnly("heartbeat confirm").hasSize(5);
    }
  }

  @Test
  void anUnknownOrMissingHashIsRefusedWith404BeforeTheUpgrade() {
    assertThat(ModuleClient.refusal(client, port, "0123456789abcdef0123456789abcdef")).isEqualTo(404);
    assertThat(ChatClient.refusal(client, NotificationSockets.at(port, "/websocket"))).isEqualTo(404);
  }

  @Test
  void aHeartbeatIsAnsweredExactlyAndOtherFramesAreIgnored() {
    String hash = Modules.register(port, name("hb"));
    try (ModuleClient m = ModuleClient.open(vertx, client, port, hash)) {
      m.send("heartbeat");
      assertThat(m.next(5000)).isEqualTo("heartbeat confirm");
      m.send("hello");
      m.send("{\"type\":\"heartbeat\"}");
      m.send("Heartbeat");
      m.send("heartbeat ");
      m.sendBinary("heartbeat".getBytes(StandardCharsets.UTF_8));
      m.send("heartbeat");
      // had any of the others been answered, that answer would come first
      assertThat(m.next(5000)).isEqualTo("heartbeat confirm");
      assertThat(m.isClosed()).isFalse();
      m.send("heartbeat");
      assertThat(m.next(5000)).isEqualTo("heartbeat confirm");
      assertThat(m.received()).containsExactly("heartbeat confirm", "heartbeat confirm", "heartbeat confirm");
    }
  }

  @Test
  void aModuleIsOnlineFromTheMomentItsSocketOpensAndOfflineOnceItCloses() {
    String name = name("life");
    String hash = Modules.register(port, name);
    ModuleClient m = ModuleClient.open(vertx, client, port, hash);
    try {
      JsonObject entry = Modules.onlineEntry(port, hash);
      assertThat(entry.getString("name")).isEqualTo(name);
      assertThat(entry.getBoolean("online")).isTrue();
      JsonObject item = Modules.managed(http, admin, name);
      assertThat(item.getBoolean("online")).isTrue();
      assertThat(item.getString("node")).isEqualTo(entry.getString("node"));
    } finally {
      m.close();
    }
    Modules.awaitOffline(port, hash, OFFLINE_WITHIN);
    assertThat(Modules.managed(http, admin, name).getBoolean("online")).isFalse();
  }

  @Test
  void aSilentModuleIsClosedWith4408AndGoesOffline() {
    String name = name("silent");
    String hash = Modules.register(port, name);
    long opened = System.nanoTime();
    try (ChatClient adminSocket = NotificationSockets.open(client, port, admin, null);
        ModuleClient m = ModuleClient.open(vertx, client, port, hash)) {
      m.send("heartbeat");
      assertThat(m.next(5000)).isEqualTo("heartbeat confirm");
      ModuleClient.Close close = m.awaitClose(TIMEOUT_SECONDS * 1000L + 8000);
      assertThat(close.code()).isEqualTo(4408);
      assertThat(Duration.ofNanos(System.nanoTime() - opened)).as("not closed before the timeout")
          .isGreaterThanOrEqualTo(Duration.ofMillis(TIMEOUT_SECONDS * 1000L - 200));
      Modules.awaitOffline(port, hash, OFFLINE_WITHIN);
      assertThat(nextModuleFrame(adminSocket, hash)).isEqualTo(moduleFrame(hash, name, true));
      assertThat(nextModuleFrame(adminSocket, hash)).isEqualTo(moduleFrame(hash, name, false));
    }
  }

  @Test
  void heartbeatsKeepAModuleOnlinePastTheTimeout() throws Exception {
    String hash = Modules.register(port, name("kept"));
    try (ModuleClient m = alive(hash)) {
      Instant firstSeen = Instant.parse(Modules.onlineEntry(port, hash).getString("lastHeartbeat"));
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_SECONDS * 1000L + 1500);
      int confirmsBefore = m.confirms();
      // the socket outlives the timeout and a flush interval, with room; checked every 250 ms
      while (System.nanoTime() < deadline) {
        assertThat(m.isClosed()).as("closed: " + (m.isClosed() ? m.awaitClose() : null)).isFalse();
        Thread.sleep(250);
      }
      assertThat(Modules.isOnline(port, hash)).isTrue();
      assertThat(m.confirms()).isGreaterThan(confirmsBefore + 3);
      // lastHeartbeat is written at most a flush interval late (300 ms), so it is recent
      Instant last = Instant.parse(Modules.onlineEntry(port, hash).getString("lastHeartbeat"));
      assertThat(last).isAfter(Instant.now().minusSeconds(TIMEOUT_SECONDS));
      assertThat(last).as("lastHeartbeat moves with the heartbeats").isAfter(firstSeen.plusSeconds(TIMEOUT_SECONDS));
    }
  }

  // ---- management API ------------------------------------------------------------------------

  @Test
  void theManagementListFiltersSearchesAndPages() {
    String prefix = "mp-page-" + (++counter) + "-";
    String hOn = Modules.register(port, prefix + "alpha", "Weather FORECAST unit", "forecast", "{}");
    String hOff = Modules.register(port, prefix + "beta", "idle one", "forecast", "{}");
    Modules.register(port, prefix + "gamma", "another", "forecast", "{}");
    try (ModuleClient m = alive(hOn)) {
      Http.Response all = http.get("/api/modules?q=" + prefix, admin);
      assertThat(all.status()).as(all.toString()).isEqualTo(200);
      assertThat(all.items().stream().map(o -> ((JsonObject) o).getString("name")).toList())
          .containsExactly(prefix + "alpha", prefix + "beta", prefix + "gamma");
      JsonObject alpha = all.items().getJsonObject(0);
      assertThat(alpha.fieldNames()).contains("hash", "name", "description", "missionKind", "dataRequirement", "online",
          "lastHeartbeat", "node", "registeredAt");
      assertThat(alpha.getString("hash")).isEqualTo(hOn);
      assertThat(alpha.getBoolean("online")).isTrue();
      assertThat(all.json().getBoolean("hasMore")).isFalse();

      Http.Response online = http.get("/api/modules?online=true&q=" + prefix, admin);
      assertThat(online.items().stream().map(o -> ((JsonObject) o).getString("hash")).toList()).containsExactly(hOn);
      Http.Response offline = http.get("/api/modules?online=false&q=" + prefix, admin);
      assertThat(offline.items().stream().map(o -> ((JsonObject) o).getString("name")).toList())
          .containsExactly(prefix + "beta", prefix + "gamma");
      assertThat(offline.items().getJsonObject(0).getString("hash")).isEqualTo(hOff);
      assertThat(offline.items().getJsonObject(0).getBoolean("online")).isFalse();

      // q matches the description too, case-insensitively
      Http.Response byDescription = http.get("/api/modules?q=weather%20forecast", admin);
      assertThat(byDescription.items().stream().map(o -> ((JsonObject) o).getString("hash")).toList()).contains(hOn).doesNotContain(hOff);
      // _ in q is a character, not a pattern (a % cannot be tested here: every /api query parameter holding an
      // encoded % is refused with 400 "Can't decode URL value", modules or not)
      Http.Response underscore = http.get("/api/modules?q=" + prefix + "_lpha", admin);
      assertThat(underscore.items()).isEmpty();
      Http.Response byNameUpper = http.get("/api/modules?q=" + prefix.toUpperCase() + "BETA", admin);
      assertThat(byNameUpper.items().stream().map(o -> ((JsonObject) o).getString("hash")).toList()).containsExactly(hOff);

      Http.Response first = http.get("/api/modules?limit=1&q=" + prefix, admin);
      assertThat(first.items()).hasSize(1);
      assertThat(first.items().getJsonObject(0).getString("name")).isEqualTo(prefix + "alpha");
      assertThat(first.json().getBoolean("hasMore")).isTrue();
      String cursor = first.json().getString("nextCursor");
      assertThat(cursor).isNotBlank();
      Http.Response second = http.get("/api/modules?limit=1&q=" + prefix + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), admin);
      assertThat(second.status()).as(second.toString()).isEqualTo(200);
      assertThat(second.items().getJsonObject(0).getString("name")).isEqualTo(prefix + "beta");
      String cursor2 = second.json().getString("nextCursor");
      Http.Response third = http.get("/api/modules?limit=1&q=" + prefix + "&cursor=" + URLEncoder.encode(cursor2, StandardCharsets.UTF_8), admin);
      assertThat(third.items().getJsonObject(0).getString("name")).isEqualTo(prefix + "gamma");
      assertThat(third.json().getBoolean("hasMore")).isFalse();
    }
  }

  @Test
  void aMemberWithoutModulesViewOrManageIsRefused() {
    Accounts.Account member = Accounts.signUp(http, name("member"));
    String hash = Modules.register(port, name("guarded"));
    assertThat(http.get("/api/modules", member.token()).status()).isEqualTo(403);
    assertThat(http.get("/api/modules", null).status()).isEqualTo(401);
    assertThat(http.delete("/api/modules/" + hash, member.token()).status()).isEqualTo(403);
    assertThat(http.post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", 1), member.token()).status()).isEqualTo(403);
    assertThat(Modules.online(port, hash)).isEmpty();
    assertEnvelope(Modules.get(port, "/module/online?hash=" + hash), ok("[]"));
  }

  @Test
  void deletingAModuleClosesItsSocketWith4404AndForgetsIt() {
    String name = name("deleted");
    String hash = Modules.register(port, name);
    try (ModuleClient m = alive(hash)) {
      assertThat(Modules.isOnline(port, hash)).isTrue();
      Http.Response r = http.delete("/api/modules/" + hash, admin);
      assertThat(r.status()).as(r.toString()).isEqualTo(204);
      assertThat(m.awaitClose().code()).isEqualTo(4404);
    }
    assertEnvelope(Modules.get(port, "/module/online?hash=" + hash), Modules.UNKNOWN);
    assertThat(Modules.managed(http, admin, name)).isNull();
    assertThat(ModuleClient.refusal(client, port, hash)).isEqualTo(404);
    Http.Response again = http.delete("/api/modules/" + hash, admin);
    assertThat(again.status()).isEqualTo(404);
  }

  @Test
  void aCommandReachesTheModulesSocketWithTheIdOfTheAnswer() {
    String hash = Modules.register(port, name("cmd"));
    try (ModuleClient m = alive(hash)) {
      JsonObject payload = new JsonObject().put("action", "rerun").put("steps", new JsonArray().add(1).add(2)).put("说", "好");
      Http.Response r = http.post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", payload), admin);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      JsonObject answer = r.json();
      assertThat(answer.getValue("id")).isNotNull();
      assertThat(Instant.parse(answer.getString("deliveredAt"))).isBefore(Instant.now().plusSeconds(5));
      assertThat(answer.getString("node")).isEqualTo(Modules.onlineEntry(port, hash).getString("node"));

      JsonObject frame = new JsonObject(m.next(5000));
      assertThat(frame.fieldNames()).containsExactly("type", "id", "payload");
      assertThat(frame.getString("type")).isEqualTo("command");
      assertThat(frame.getValue("id")).isEqualTo(answer.getValue("id"));
      assertThat(frame.getJsonObject("payload")).isEqualTo(payload);

      // a payload may be any JSON value
      Http.Response second = http.post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", "stop"), admin);
      assertThat(second.status()).as(second.toString()).isEqualTo(200);
      JsonObject f2 = new JsonObject(m.next(5000));
      assertThat(f2.getValue("id")).isEqualTo(second.json().getValue("id")).isNotEqualTo(answer.getValue("id"));
      assertThat(f2.getValue("payload")).isEqualTo("stop");
    }
  }

  @Test
  void aCommandToAnOfflineOrUnknownModuleIs404() {
    String hash = Modules.register(port, name("cmd-off"));
    Http.Response offline = http.post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", 1), admin);
    assertThat(offline.status()).as(offline.toString()).isEqualTo(404);
    assertThat(offline.errorCode()).isEqualTo("not_found");
    Http.Response unknown = http.post("/api/modules/0123456789abcdef0123456789abcdef/commands", new JsonObject().put("payload", 1), admin);
    assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("not_found");
    // once online it goes through, and after the socket closed it is 404 again
    try (ModuleClient m = alive(hash)) {
      assertThat(http.post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", 2), admin).status()).isEqualTo(200);
    }
    Modules.awaitOffline(port, hash, OFFLINE_WITHIN);
    assertThat(http.post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", 3), admin).status()).isEqualTo(404);
  }

  // ---- module frames -------------------------------------------------------------------------

  static JsonObject moduleFrame(String hash, String name, boolean online) {
    return new JsonObject().put("type", "module").put("hash", hash).put("name", name).put("online", online);
  }

  static JsonObject nextModuleFrame(ChatClient socket, String hash) {
    return socket.next(f -> "module".equals(f.getString("type")) && hash.equals(f.getString("hash")), "module " + hash);
  }

  @Test
  void moduleFramesReachAnAdminsNotificationSocketAndNotAMembers() {
    Accounts.Account member = Accounts.signUp(http, name("plain"));
    String name = name("framed");
    String hash = Modules.register(port, name);
    try (ChatClient adminSocket = NotificationSockets.open(client, port, admin, null);
        ChatClient adminLegacy = ChatClient.open(client, NotificationSockets.at(port, "/ws/" + admin + "/"));
        ChatClient memberSocket = NotificationSockets.open(client, port, member.token(), null)) {
      // the old path has no welcome: a ping answered says it is live
      adminLegacy.send(new JsonObject().put("type", "ping"));
      adminLegacy.next("pong");
      try (ModuleClient m = alive(hash)) {
        JsonObject on = nextModuleFrame(adminSocket, hash);
        assertThat(on).isEqualTo(moduleFrame(hash, name, true));
        assertThat(on.fieldNames()).containsExactly("type", "hash", "name", "online");
        assertThat(nextModuleFrame(adminLegacy, hash)).isEqualTo(moduleFrame(hash, name, true));
      }
      assertThat(nextModuleFrame(adminSocket, hash)).isEqualTo(moduleFrame(hash, name, false));
      assertThat(nextModuleFrame(adminLegacy, hash)).isEqualTo(moduleFrame(hash, name, false));
      // the member's socket is live: a notification sent after both changes arrives, and no module frame before it
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(member.id()), "after the modules");
      JsonObject first = memberSocket.next(f -> "module".equals(f.getString("type")) || "notification".equals(f.getString("type")),
          "module or notification");
      assertThat(first.getString("type")).as(first.encode()).isEqualTo("notification");
      assertThat(first.getJsonObject("notification").getString("title")).isEqualTo("after the modules");
    }
  }

  /** Module frames are for notification sockets and streams: an admin's conversation socket gets none. */
  @Test
  void anAdminsConversationSocketGetsNoModuleFrames() {
    Accounts.Account adminAccount = Accounts.account(http, Accounts.ADMIN, Accounts.ADMIN_PASSWORD);
    Accounts.Account other = Accounts.signUp(http, name("chat-peer"));
    String conversation = Conversations.group(http, adminAccount, other);
    String name = name("not-in-chat");
    String hash = Modules.register(port, name);
    try (ChatClient chat = ChatClient.connect(client, port, conversation, adminAccount.token(), null);
        ChatClient adminSocket = NotificationSockets.open(client, port, admin, null)) {
      chat.next("welcome");
      try (ModuleClient m = alive(hash)) {
        assertThat(nextModuleFrame(adminSocket, hash).getBoolean("online")).isTrue();
      }
      assertThat(nextModuleFrame(adminSocket, hash).getBoolean("online")).isFalse();
      Http.Response sent = http.post("/api/conversations/" + conversation + "/messages", new JsonObject().put("text", "after"),
          adminAccount.token());
      assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
      JsonObject first = chat.next(f -> "module".equals(f.getString("type")) || "message".equals(f.getString("type")), "module or message");
      assertThat(first.getString("type")).as(first.encode()).isEqualTo("message");
    }
  }

  @Test
  void aReplacementOnOneNodeCloses4409AndAnnouncesNoChange() {
    String name = name("replaced");
    String hash = Modules.register(port, name);
    try (ChatClient adminSocket = NotificationSockets.open(client, port, admin, null);
        ModuleClient first = alive(hash)) {
      assertThat(nextModuleFrame(adminSocket, hash).getBoolean("online")).isTrue();
      try (ModuleClient second = alive(hash)) {
        assertThat(first.awaitClose().code()).isEqualTo(4409);
        assertThat(Modules.isOnline(port, hash)).isTrue();
        second.send("heartbeat");
        // the replacement is no change: the next module frame of this hash is the offline after the second closes
      }
      JsonObject next = nextModuleFrame(adminSocket, hash);
      assertThat(next).isEqualTo(moduleFrame(hash, name, false));
    }
  }

  @Test
  void anAdminsEventStreamGetsModuleEventsWithoutId() {
    String name = name("sse");
    String hash = Modules.register(port, name);
    Accounts.Account member = Accounts.signUp(http, name("sse-member"));
    try (EventStream stream = EventStream.open(streams, port, "/api/notifications/stream?token=" + admin, Map.of());
        EventStream memberStream = EventStream.open(streams, port, "/api/notifications/stream?token=" + member.token(), Map.of())) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.nextAny().fields().get("")).as("live comment").startsWith("live");
      assertThat(memberStream.nextAny().fields().get("")).as("live comment").startsWith("live");
      try (ModuleClient m = alive(hash)) {
        EventStream.Event e = nextModuleEvent(stream, hash);
        assertThat(e.fields().get("event")).isEqualTo("module");
        assertThat(e.id()).as("no id: field").isNull();
        assertThat(new JsonObject(e.data())).isEqualTo(moduleFrame(hash, name, true));
      }
      EventStream.Event off = nextModuleEvent(stream, hash);
      assertThat(new JsonObject(off.data())).isEqualTo(moduleFrame(hash, name, false));
      // the member's stream: the notification sent after both changes is its first event
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(member.id()), "sse after the modules");
      EventStream.Event first = memberStream.next();
      assertThat(first.fields().get("event")).as(first.fields().toString()).isEqualTo("notification");
    }
  }

  static EventStream.Event nextModuleEvent(EventStream stream, String hash) {
    while (true) {
      EventStream.Event e = stream.next();
      if ("module".equals(e.fields().get("event")) && e.data() != null && e.data().contains(hash)) {
        return e;
      }
    }
  }
}
