package io.switchboard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} (SPEC §9) on a clustered node of its own (so its counters move only with this
 * class's traffic): Switchboard's and Vert.x's meters after real traffic, route templates and no ids
 * in labels, promtool's check, and the two ways of exposing it (management port, bearer token).
 */
class MetricsTest {

  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Duration WAIT = Duration.ofSeconds(10);

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_REDIS_URL", TestRedis.url(), "SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix()));
    http = node.http();
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  @Test
  void socketGaugeAndMessageCountersMoveWithTraffic() {
    Account ann = Accounts.signUp(http, "metrics-ann");
    Account bob = Accounts.signUp(http, "metrics-bob");
    String room = Conversations.group(http, ann, bob);
    Scrape before = scrape();
    try (ChatClient a = ChatClient.connect(client, node.port(), room, ann.token(), null);
        ChatClient b = ChatClient.connect(client, node.port(), room, bob.token(), null)) {
      a.next("welcome");
      b.next("welcome");
      assertThat(scrape().value("switchboard_sockets_open", "kind=\"chat\"")).isEqualTo(before.value("switchboard_sockets_open", "kind=\"chat\"") + 2);
      for (int i = 0; i < 3; i++) {
        a.send(new JsonObject().put("type", "send").put("text", "counted " + i));
      }
      b.messageSeqs(3);
      a.messageSeqs(3);
      // each of the 3 messages was written to both sockets
      Wait.until(WAIT, "six deliveries counted", () -> scrape().value("switchboard_messages_delivered_total", "")
          == before.value("switchboard_messages_delivered_total", "") + 6);
      Scrape during = scrape();
      assertThat(during.value("switchboard_messages_stored_total", "")).isEqualTo(before.value("switchboard_messages_stored_total", "") + 3);
      // once per message per event loop holding the room's sockets (one or two loops), never per socket
      double dispatched = during.value("switchboard_fanout_latency_seconds_count", "") - before.value("switchboard_fanout_latency_seconds_count", "");
      assertThat(dispatched).isBetween(3.0, 6.0);
      assertThat(during.value("switchboard_group_commit_size_sum", "")).isEqualTo(before.value("switchboard_group_commit_size_sum", "") + 3);
      assertThat(during.value("switchboard_group_commit_size_count", "")).isBetween(
          before.value("switchboard_group_commit_size_count", "") + 1, before.value("switchboard_group_commit_size_count", "") + 3);
      assertThat(during.value("switchboard_fanout_latency_seconds_bucket", "le=\"+Inf\""))
          .isEqualTo(during.value("switchboard_fanout_latency_seconds_count", ""));
    }
    Wait.until(WAIT, "the chat sockets' gauge back down", () -> scrape().value("switchboard_sockets_open", "kind=\"chat\"")
        == before.value("switchboard_sockets_open", "kind=\"chat\""));
  }

  @Test
  void everyFamilyIsExposed() {
    Account cid = Accounts.signUp(http, "metrics-cid");
    String room = Conversations.group(http, cid);
    assertThat(http.post("/api/conversations/" + room + "/messages", new JsonObject().put("text", "hello"), cid.token()).status()).isEqualTo(201);
    Wait.until(WAIT, "each loop's lag measured", () -> scrape().lines("switchboard_event_loop_lag_seconds").size() >= 2);
    Scrape s = scrape();
    for (String kind : Meters.SOCKET_KINDS) {
      assertThat(s.lines("switchboard_sockets_open")).as(kind).anyMatch(l -> l.contains("kind=\"" + kind + "\""));
    }
    for (String what : List.of("message", "signin", "password", "frame")) {
      assertThat(s.lines("switchboard_rate_limited_total")).as(what).anyMatch(l -> l.contains("what=\"" + what + "\""));
    }
    for (String family : List.of("switchboard_messages_stored_total", "switchboard_messages_delivered_total",
        "switchboard_fanout_latency_seconds_bucket", "switchboard_group_commit_size_bucket", "switchboard_event_loop_lag_seconds",
        "switchboard_jobs_queue_depth", "switchboard_jobs_completed_total", "switchboard_redis_link_up",
        "switchboard_redis_publish_queue", "switchboard_slow_consumer_closes_total", "switchboard_modules_online",
        // Vert.x's own: HTTP server, WebSocket connections, event bus, the Postgres pool, the JVM
        "vertx_http_server_requests_total", "vertx_http_server_response_time_seconds_bucket", "vertx_http_server_active_ws_connections",
        "vertx_eventbus_published_total", "vertx_pool_in_use", "vertx_pool_queue_pending", "vertx_pool_usage_seconds_count",
        "vertx_sql_processing_time_seconds_bucket", "vertx_redis_processing_time_seconds_bucket",
        "jvm_memory_used_bytes")) {
      assertThat(s.lines(family)).as(family).isNotEmpty();
    }
    assertThat(s.value("switchboard_redis_link_up", "")).isEqualTo(1.0);
    assertThat(s.lines("vertx_pool_in_use")).anyMatch(l -> l.contains("pool_name=\"switchboard\"") && l.contains("pool_type=\"sql\""));
  }

  @Test
  void httpMetricsCarryRouteTemplatesAndNoIds() {
    Account dee = Accounts.signUp(http, "metrics-dee");
    String room = Conversations.group(http, dee);
    http.post("/api/conversations/" + room + "/messages", new JsonObject().put("text", "with an id in the path"), dee.token());
    assertThat(http.get("/api/conversations/" + room + "/messages", dee.token()).status()).isEqualTo(200);
    assertThat(http.get("/api/conversations/00000000-0000-0000-0000-000000000000", dee.token()).status()).isEqualTo(404);
    try (ChatClient c = ChatClient.connect(client, node.port(), room, dee.token(), null)) {
      c.next("welcome");
    }
    Scrape s = scrape();
    assertThat(s.lines("vertx_http_server_requests_total"))
        .anyMatch(l -> l.contains("route=\"/api/conversations/:id/messages\"") && l.contains("method=\"GET\"") && l.contains("code=\"200\""))
        .anyMatch(l -> l.contains("route=\"/ws/chat/:conversationId\""))
        .noneMatch(l -> l.contains("path=") || l.contains("remote="));
    assertThat(UUID.matcher(s.text()).find()).as("a UUID in the scrape").isFalse();
    assertThat(s.text()).doesNotContain(room).doesNotContain(dee.id()).doesNotContain("token=");
  }

  @Test
  void promtoolAcceptsTheOutput() throws Exception {
    File promtool = onPath("promtool");
    Assumptions.assumeTrue(promtool != null, "promtool is not on PATH: the check of the exposition format is skipped");
    String text = scrape().text();
    Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void aTokenGuardsTheHttpPort() {
    try (TestNode guarded = TestNode.start(Map.of("SWITCHBOARD_METRICS_TOKEN", "metrics-token-of-the-test"))) {
      Http h = guarded.http();
      Http.Response missing = h.get("/metrics");
      assertThat(missing.status()).isEqualTo(401);
      assertThat(missing.errorCode()).isEqualTo("unauthorized");
      Http.Response wrong = h.get("/metrics", "metrics-token-of-another");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.errorCode()).isEqualTo("unauthorized");
      // an access token is no metrics token
      assertThat(h.get("/metrics", Accounts.adminToken(h)).status()).isEqualTo(401);
      Http.Response ok = h.get("/metrics", "metrics-token-of-the-test");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("Content-Type")).startsWith("text/plain");
      assertThat(ok.body()).contains("switchboard_sockets_open");
      assertThat(h.get("/health/live").status()).isEqualTo(200);
    }
  }

  @Test
  void aManagementPortTakesMetricsOffTheHttpPort() {
    try (TestNode managed = TestNode.start(Map.of("SWITCHBOARD_MANAGEMENT_PORT", "0"))) {
      Http.Response main = managed.http().get("/metrics");
      assertThat(main.status()).isEqualTo(404);
      assertThat(main.errorCode()).isEqualTo("not_found");
      Http management = new Http(managed.node().context().managementPort().get());
      Http.Response metrics = management.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.body()).contains("switchboard_messages_stored_total");
      assertThat(management.get("/health/live").json().getString("status")).isEqualTo("up");
      Http.Response ready = management.get("/health/ready");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getJsonObject("checks").getString("postgres")).isEqualTo("up");
      assertThat(management.get("/api/me").status()).isEqualTo(404);
      // the HTTP port keeps its health checks (load balancers use them)
      assertThat(managed.http().get("/health/ready").status()).isEqualTo(200);
      // and the console still reads the node's meters through the API, for audit.view only
      Http.Response console = managed.http().get("/api/admin/metrics", io.switchboard.testing.Accounts.adminToken(managed.http()));
      assertThat(console.status()).as(console.toString()).isEqualTo(200);
      assertThat(console.header("Content-Type")).startsWith("text/plain");
      assertThat(console.body()).contains("switchboard_sockets_open{kind=\"chat\"}");
      String member = io.switchboard.testing.Accounts.signUp(managed.http(), "metrics-member").token();
      assertThat(managed.http().get("/api/admin/metrics", member).status()).isEqualTo(403);
      assertThat(managed.http().get("/api/admin/metrics").status()).isEqualTo(401);
    }
  }

  private static Scrape scrape() {
    Http.Response r = http.get("/metrics");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return new Scrape(r.body());
  }

  private static File onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, program);
      if (f.canExecute()) {
        return f;
      }
    }
    return null;
  }

  /** One scrape's text: sample lines by family, values summed over the lines whose labels contain a text. */
  record Scrape(String text) {

    List<String> lines(String family) {
      return text.lines().filter(l -> l.startsWith(family + "{") || l.startsWith(family + " ")).toList();
    }

    double value(String family, String labels) {
      return lines(family).stream().filter(l -> l.contains(labels))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
  }
}
