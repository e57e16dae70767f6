package io.switchboard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Main;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The log of a whole run of the server (its own JVM, JSON lines into a file, every logger at debug):
 * sign-up, sign-in, a wrong password, a socket opened with {@code ?token=}, messages over the socket
 * and over HTTP. No password, token, secret or message text is in it; request lines carry the request
 * id, node id, method, route template and status; the id of a request follows it onto the event bus
 * and the socket of an upgrade.
 */
class LogsTest {

  private static final String NODE = "logs-node";
  private static final String JWT_SECRET = "logs-test-jwt-secret-" + UUID.randomUUID();
  private static final String ADMIN_PASSWORD = "admin-pw-" + UUID.randomUUID();

  @Test
  void aFullRunLogsNoSecretsAndCarriesTheIds() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-logs");
    Path logFile = dir.resolve("logs/switchboard.log");
    ProcessBuilder pb = new ProcessBuilder(List.of(
        System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    pb.environment().putAll(Map.of(
        "SWITCHBOARD_DATA_DIR", dir.resolve("data").toString(),
        "SWITCHBOARD_PG_URL", TestDatabase.freshDatabase(),
        "SWITCHBOARD_HTTP_PORT", "0",
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_NODE_ID", NODE,
        "SWITCHBOARD_JWT_SECRET", JWT_SECRET,
        "SWITCHBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD,
        "SWITCHBOARD_BCRYPT_COST", "4",
        "SWITCHBOARD_LOG_FORMAT", "json",
        "SWITCHBOARD_LOG_FILE", logFile.toString()));
    pb.environment().put("SWITCHBOARD_LOG_LEVELS", "root=debug,io.netty=debug");
    pb.directory(dir.toFile());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("console.txt").toFile());
    Process process = pb.start();
    Vertx vertx = Vertx.vertx();
    List<String> secrets = new ArrayList<>(List.of(JWT_SECRET, ADMIN_PASSWORD));
    try {
      int port = awaitPort(logFile, process);
      Http http = new Http(port);

      String password = "pw-" + UUID.randomUUID();
      String wrong = "wrong-pw-" + UUID.randomUUID();
      secrets.add(password);
      secrets.add(wrong);
      Accounts.register(http, "alice", password);
      Accounts.register(http, "bob", "password-bob");
      secrets.add("password-bob");
      JsonObject login = Accounts.login(http, "alice", password);
      String access = login.getString("accessToken");
      String refresh = login.getString("refreshToken");
      secrets.add(access);
      secrets.add(refresh);
      assertThat(http.post("/api/auth/login", new JsonObject().put("username", "alice").put("password", wrong)).status()).isEqualTo(401);
      assertThat(http.post("/api/auth/refresh", new JsonObject().put("refreshToken", refresh)).status()).isEqualTo(200);
      assertThat(http.get("/api/me", access).status()).isEqualTo(200);
      // a token in the query of a path that does not exist, and in a header of one that does
      http.send("GET", "/api/no-such-path?token=" + access, null, null, Map.of());
      http.send("GET", "/api/me?token=" + access, null, null, Map.of("Authorization", "Bearer " + access));

      Accounts.Account alice = Accounts.account(http, "alice", password);
      Accounts.Account bob = Accounts.account(http, "bob", "password-bob");
      secrets.add(alice.token());
      secrets.add(bob.token());
      String conversation = Conversations.group(http, alice, bob);

      String socketText = "socket-marker-" + UUID.randomUUID();
      String httpText = "http-marker-" + UUID.randomUUID();
      secrets.add(socketText);
      secrets.add(httpText);
      WebSocketClient client = ChatClient.client(vertx);
      try (ChatClient chat = ChatClient.open(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/ws/chat/" + conversation + "?token=" + alice.token()).addHeader("X-Request-Id", "upgrade-1"))) {
        chat.send(new JsonObject().put("type", "send").put("text", socketText).put("clientMsgId", "c-1"));
        chat.next("ack");
        Http.Response posted = http.send("POST", "/api/conversations/" + conversation + "/messages",
            new JsonObject().put("text", httpText).put("clientMsgId", "c-2").encode(), bob.token(), Map.of("X-Request-Id", "post-1", "Content-Type", "application/json"));
        assertThat(posted.status()).as(posted.toString()).isEqualTo(201);
        chat.next(f -> "message".equals(f.getString("type")) && httpText.equals(f.getJsonObject("message", new JsonObject()).getString("text")),
            "the message posted over HTTP");
      }
      Thread.sleep(500); // the close of the socket is logged
    } finally {
      process.destroy(); // SIGTERM: the graceful shutdown is logged too
      process.waitFor(30, TimeUnit.SECONDS);
      process.destroyForcibly();
      vertx.close();
    }

    String log = Files.readString(logFile, StandardCharsets.UTF_8);
    for (String secret : secrets) {
      assertThat(log).as("the log holds a secret or a message text").doesNotContain(secret);
    }
    assertThat(log).doesNotContainIgnoringCase("authorization: bearer").doesNotContain("?token=");

    List<JsonObject> lines = log.lines().map(JsonObject::new).toList();
    assertThat(lines).allSatisfy(line -> assertThat(mdc(line).getString("node")).as(line.encode()).isEqualTo(NODE));
    JsonObject posted = lines.stream()
        .filter(l -> "request".equals(l.getString("formattedMessage")) && "post-1".equals(mdc(l).getString("requestId")))
        .findFirst().orElseThrow(() -> new AssertionError("no request line for post-1"));
    Map<String, Object> kv = kvp(posted);
    assertThat(kv).containsEntry("requestId", "post-1").containsEntry("method", "POST")
        .containsEntry("route", "/api/conversations/:id/messages").containsEntry("status", "201").containsKey("ms");
    assertThat(posted.getString("loggerName")).isEqualTo("switchboard.access");
    // the request's work on the event bus carries its id
    assertThat(lines).anySatisfy(l -> {
      assertThat(l.getString("loggerName")).isEqualTo("io.switchboard.bus.Bus");
      assertThat(mdc(l).getString("requestId")).isEqualTo("post-1");
    });
    // the socket's lines carry the id of its upgrade request, the close too
    assertThat(lines.stream().filter(l -> "upgrade-1".equals(mdc(l).getString("requestId")))
        .map(l -> l.getString("formattedMessage")).toList()).contains("socket opened", "socket closed");
    // a path no route matched is logged without its text
    assertThat(lines).anySatisfy(l -> assertThat(kvp(l)).containsEntry("route", "(unmatched)").containsEntry("status", "404"));
    // Micrometer's warning about a gauge Vert.x registers twice is silenced
    assertThat(log).doesNotContain("has been already registered");
  }

  private static JsonObject mdc(JsonObject line) {
    return line.getJsonObject("mdc", new JsonObject());
  }

  private static Map<String, Object> kvp(JsonObject line) {
    Map<String, Object> out = new java.util.HashMap<>();
    JsonArray list = line.getJsonArray("kvpList", new JsonArray());
    for (Object o : list) {
      ((JsonObject) o).forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** The HTTP port, from the node's "switchboard ready" line. */
  private static int awaitPort(Path logFile, Process process) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      assertThat(process.isAlive()).as("the server exited").isTrue();
      if (Files.exists(logFile)) {
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
          if (line.contains("switchboard ready")) {
            Object port = kvp(new JsonObject(line)).get("port");
            return Integer.parseInt(String.valueOf(port));
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the server did not start");
  }
}
