package io.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.ErrorCodes;
import io.switchboard.persistence.EmbeddedDatabase;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TcpProxy;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Postgres goes away under a running node, once cut off behind a TCP proxy and once really stopped
 * (an embedded Postgres the test owns, started again on the same port and data folder). While it is
 * away, sends over HTTP get 503 {@code unavailable} and sends over the socket an {@code unavailable}
 * error frame, none is acknowledged, {@code /health/ready} says 503 and the open socket stays open.
 * When it is back the node recovers by itself; what was acknowledged before is in history, and a
 * client that retries its refused sends with the same {@code clientMsgId} has each stored once.
 */
class PostgresOutageTest {

  /** How long Postgres stays away; the refusals are checked the whole time. */
  static final Duration OUTAGE = Duration.ofSeconds(6);
  static final Duration RECOVERY = Duration.ofSeconds(30);

  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A fault that can be injected and taken back. */
  interface Outage {
    void down() throws Exception;

    void up() throws Exception;
  }

  static Map<String, String> settings(String pgUrl) {
    Map<String, String> s = new HashMap<>();
    s.put("SWITCHBOARD_PG_URL", pgUrl);
    s.put("SWITCHBOARD_RATE_BURST", "100000");
    s.put("SWITCHBOARD_RATE_PER_SECOND", "100000");
    // the client's retries go back to back: the socket's frame budget is out of the way
    s.put("SWITCHBOARD_WS_FRAME_BURST", "100000");
    s.put("SWITCHBOARD_WS_FRAMES_PER_SECOND", "100000");
    return s;
  }

  @Test
  void postgresCutOffBehindAProxy() throws Exception {
    String database = TestDatabase.freshDatabase();
    try (TcpProxy proxy = new TcpProxy(database); TestNode node = TestNode.start(settings(proxy.through(database)))) {
      outageRoundTrip(node, new Outage() {
        public void down() {
          proxy.cut();
        }

        public void up() {
          proxy.restore();
        }
      });
    }
  }

  @Test
  void postgresStoppedAndStartedAgain() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-fault-pg");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedDatabase[] db = {EmbeddedDatabase.start(dir, port)};
    try (TestNode node = TestNode.start(settings(db[0].url()))) {
      outageRoundTrip(node, new Outage() {
        public void down() throws Exception {
          db[0].close();
          db[0] = null;
        }

        public void up() throws Exception {
          db[0] = EmbeddedDatabase.start(dir, port);
        }
      });
    } finally {
      if (db[0] != null) {
        db[0].close();
      }
    }
  }

  private void outageRoundTrip(TestNode node, Outage outage) throws Exception {
    Http http = node.http();
    Account x = Accounts.signUp(http, "pgx" + System.nanoTime() % 100000);
    Account y = Accounts.signUp(http, "pgy" + System.nanoTime() % 100000);
    String id = Conversations.group(http, x, y);
    String path = "/api/conversations/" + id + "/messages";
    try (ChatClient xs = ChatClient.connect(client, node.port(), id, x.token(), null);
        ChatClient ys = ChatClient.connect(client, node.port(), id, y.token(), null)) {
      xs.next("welcome");
      ys.next("welcome");
      Set<String> acked = new LinkedHashSet<>();
      for (int i = 0; i < 3; i++) {
        xs.send(send("before-s" + i));
        assertThat(xs.next("ack").getString("clientMsgId")).isEqualTo("before-s" + i);
        acked.add("before-s" + i);
        Http.Response r = http.post(path, body("before-h" + i), y.token());
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        acked.add("before-h" + i);
      }

      outage.down();
      long downAt = System.nanoTime();
      Wait.until(Duration.ofSeconds(10), "/health/ready 503", () -> History.ready(node) == 503);
      assertThat(http.get("/health/ready").json().getJsonObject("checks").getString("postgres")).isEqualTo("down");

      // what else needs Postgres says 503 too, never 500: history, sign-in, a new socket's upgrade
      Http.Response read = http.get(path, x.token());
      assertThat(read.status()).as(read.toString()).isEqualTo(503);
      Http.Response login = http.post("/api/auth/login", new JsonObject().put("username", x.username()).put("password", "password-" + x.username()));
      assertThat(login.status()).as(login.toString()).isEqualTo(503);
      assertThat(ChatClient.refusal(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/ws/chat/" + id + "?token=" + y.token()))).as("a new socket's upgrade").isEqualTo(503);

      // refused sends, over HTTP and over the socket, for as long as the outage lasts
      List<String> refusedOverHttp = new ArrayList<>();
      List<String> refusedOverSocket = new ArrayList<>();
      int round = 0;
      do {
        String h = "during-h" + round;
        Http.Response r = http.post(path, body(h), y.token());
        assertThat(r.status()).as("a send while Postgres is away: " + r).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo(ErrorCodes.UNAVAILABLE);
        refusedOverHttp.add(h);
        String s = "during-s" + round;
        xs.send(send(s));
        JsonObject refusal = xs.next(f -> "error".equals(f.getString("type")) || "ack".equals(f.getString("type")), "refusal");
        assertThat(refusal.getString("type")).as("a socket send while Postgres is away: " + refusal).isEqualTo("error");
        assertThat(refusal.getString("code")).as(refusal.encode()).isEqualTo(ErrorCodes.UNAVAILABLE);
        assertThat(refusal.getString("ref")).isEqualTo(s);
        refusedOverSocket.add(s);
        round++;
        Thread.sleep(250);
      } while (System.nanoTime() - downAt < OUTAGE.toNanos());
      assertThat(History.ready(node)).isEqualTo(503);
      assertThat(xs.isClosed()).as("the socket stays open").isFalse();
      assertThat(ys.isClosed()).as("the socket stays open").isFalse();
      xs.send(new JsonObject().put("type", "ping"));
      xs.next("pong");

      outage.up();
      Wait.until(RECOVERY, "the node ready again by itself", () -> History.ready(node) == 200);

      // the client retries every refused send, twice, with the same clientMsgId
      Map<String, Long> seqOf = new HashMap<>();
      for (int attempt = 0; attempt < 2; attempt++) {
        for (String h : refusedOverHttp) {
          Http.Response r = http.post(path, body(h), y.token());
          assertThat(r.status()).as(r.toString()).isIn(200, 201);
          Long seq = r.json().getLong("seq");
          assertThat(seqOf.putIfAbsent(h, seq)).as("a retry gets the original seq").isIn(null, seq);
        }
        for (String s : refusedOverSocket) {
          xs.send(send(s));
          JsonObject ack = xs.next(f -> "ack".equals(f.getString("type")) || "error".equals(f.getString("type")), "ack");
          assertThat(ack.getString("type")).as(ack.encode()).isEqualTo("ack");
          assertThat(ack.getString("clientMsgId")).isEqualTo(s);
          assertThat(seqOf.putIfAbsent(s, ack.getLong("seq"))).as("a retry gets the original seq").isIn(null, ack.getLong("seq"));
        }
      }

      List<JsonObject> history = History.gapless(node, id, x.token());
      List<String> stored = history.stream().map(m -> m.getString("clientMsgId")).toList();
      assertThat(stored).as("every acknowledged message once").containsAll(acked);
      assertThat(stored).containsAll(refusedOverHttp).containsAll(refusedOverSocket).doesNotHaveDuplicates();
      assertThat(stored).hasSize(acked.size() + refusedOverHttp.size() + refusedOverSocket.size());
      // both sockets, open the whole time, saw every stored message once, in order
      for (ChatClient socket : List.of(xs, ys)) {
        assertThat(socket.messageSeqs(history.size())).containsExactlyElementsOf(History.range(1, history.size()));
        socket.send(new JsonObject().put("type", "ping"));
        assertThat(socket.next(f -> "message".equals(f.getString("type")) || "pong".equals(f.getString("type")), "pong")
            .getString("type")).as("no further message").isEqualTo("pong");
      }
    }
  }

  static JsonObject send(String clientMsgId) {
    return new JsonObject().put("type", "send").put("text", "text of " + clientMsgId).put("clientMsgId", clientMsgId);
  }

  static JsonObject body(String clientMsgId) {
    return new JsonObject().put("text", "text of " + clientMsgId).put("clientMsgId", clientMsgId);
  }
}
