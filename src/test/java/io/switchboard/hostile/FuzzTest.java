package io.switchboard.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A seeded fuzzer over the whole public surface. Every operation of {@code openapi.yaml}, read at test
 * time, gets bodies built from its schema and then mutated ({@link SchemaFuzz.Mutation}: wrong types,
 * missing and extra fields, long and huge strings, unicode, NULs, deep nesting, big numbers, broken
 * JSON, garbage and invalid UTF-8, wrong content types), random path parameters and query strings, and
 * malformed request targets over a raw socket, as the admin, as a plain user and anonymously. Every
 * socket kind gets random and mutated text and binary frames. Each request must be answered (10 s
 * timeout) with a 2xx or 4xx, never a 5xx (nor an old-platform {@code "5000"} envelope), each socket
 * with frames the protocol knows or a documented close, and {@code /health/live} must answer after
 * every batch. A batch of requests that must all be refused leaves every table as it was (a checksum
 * of each table, read straight from the node's database).
 *
 * <p>The seed is printed; replay with {@code -Dfuzz.seed=<seed>}, and send more with
 * {@code -Dfuzz.requests=<n>} (HTTP requests, default 3000) and {@code -Dfuzz.frames=<n>} (frames per
 * socket kind, default 600).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FuzzTest {

  static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
  static final int REQUESTS = Integer.getInteger("fuzz.requests", 3000);
  static final int FRAMES = Integer.getInteger("fuzz.frames", 600);
  static final int BATCH = 250;
  static final int LANES = 4;
  /** Written by the node's timers (schedule ticks, the jobs they enqueue), not by requests. */
  static final Set<String> TIMER_TABLES = Set.of("schedules", "schedule_runs", "jobs", "flyway_schema_history");

  record Op(String method, String template, JsonObject pathItem, JsonObject operation) {

    String id() {
      return operation.getString("operationId");
    }

    boolean secured() {
      return operation.getJsonArray("security") != null && !operation.getJsonArray("security").isEmpty();
    }

    boolean endsSession() {
      return Set.of("logout", "changePassword", "refresh").contains(id());
    }
  }

  record Sent(Op op, String target, String caller, String how, int status, String body) {

    String describe() {
      String b = body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "…" : body;
      return op.id() + " " + op.method() + " " + (target.length() > 160 ? target.substring(0, 160) + "…" : target)
          + " as " + caller + " (" + how + "): " + status + " " + b;
    }
  }

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static HttpClient client;
  static JsonObject contract;
  static List<Op> ops = new ArrayList<>();
  static Account user;
  static String adminId;
  static String conversation;
  static String moduleHash;
  /** Real ids by path parameter name (any kind of id under {@code id}), so that some requests reach their handler. */
  static Map<String, List<String>> real = new HashMap<>();
  static final AtomicInteger sent = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    System.out.println("fuzz seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "1000000", "SWITCHBOARD_RATE_PER_SECOND", "1000000",
        "SWITCHBOARD_WS_FRAME_BURST", "1000000", "SWITCHBOARD_WS_FRAMES_PER_SECOND", "1000000", "SWITCHBOARD_TYPING_INTERVAL_SECONDS", "0",
        // wrong current passwords of PUT /api/me/password count as the account's failed logins: the fuzzer signs in again and again
        "SWITCHBOARD_CAPTCHA_AFTER_FAILURES", "1000"));
    http = node.http();
    vertx = Vertx.vertx();
    contract = OpenAPIContract.from(vertx, "src/main/resources/openapi.yaml").await(30, TimeUnit.SECONDS).getRawContract();
    JsonObject paths = contract.getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      if (!template.startsWith("/")) {
        continue; // the parser's own entries
      }
      JsonObject item = paths.getJsonObject(template);
      for (String method : List.of("get", "post", "put", "patch", "delete")) {
        if (item.getJsonObject(method) != null) {
          ops.add(new Op(method.toUpperCase(), template, item, item.getJsonObject(method)));
        }
      }
    }
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    String admin = Accounts.adminToken(http);
    adminId = http.get("/api/me", admin).json().getString("id");
    user = Accounts.signUp(http, "fuzz-user");
    Account victim = Accounts.signUp(http, "fuzz-victim");
    conversation = http.post("/api/conversations", new JsonObject().put("kind", "group").put("participants", new JsonArray().add(victim.id())),
        user.token()).json().getString("id");
    String room = http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "fuzz-room").put("public", true),
        user.token()).json().getString("id");
    for (int i = 0; i < 3; i++) {
      assertThat(http.post("/api/conversations/" + conversation + "/messages", new JsonObject().put("text", "m" + i), user.token()).status())
          .isEqualTo(201);
    }
    String group = http.post("/api/admin/groups", new JsonObject().put("name", "fuzz-group").put("permissions", new JsonArray()), admin)
        .json().getString("id");
    moduleHash = http.post("/module/register", new JsonObject().put("name", "fuzz-module"), null).json().getJsonObject("result").getString("hash");
    http.post("/api/admin/notifications", new JsonObject().put("userIds", new JsonArray().add(user.id())).put("title", "t").put("body", "b"), admin);
    real.put("id", List.of(conversation, room, "fuzz-room", victim.id(), group, "1"));
    real.put("userId", List.of(victim.id()));
    real.put("seq", List.of("1", "2", "3"));
    real.put("hash", List.of(moduleHash));
    real.put("name", List.of("retention", "modules.expire", "auth.purge"));
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println("fuzz seed " + SEED + ": " + sent.get() + " requests and frames sent");
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  /** The caller's token: the admin's or the user's (a fresh session for calls that may end it), or none. */
  static String token(String caller, Op op, Map<String, String> tokens) {
    if (caller.equals("anonymous")) {
      return null;
    }
    String fresh = op.endsSession() ? signIn(caller) : null;
    return fresh != null ? fresh : tokens.get(caller);
  }

  /**
   * A new session of the admin or the user, or null when signing in is refused: the fuzzer's wrong
   * current passwords count as failed logins, and past the limit a captcha is asked for.
   */
  static String signIn(String caller) {
    String username = caller.equals("admin") ? Accounts.ADMIN : user.username();
    String password = caller.equals("admin") ? Accounts.ADMIN_PASSWORD : "password-" + user.username();
    Http.Response r = http.post("/api/auth/login", new JsonObject().put("username", username).put("password", password));
    return r.status() == 200 ? r.json().getString("accessToken") : null;
  }

  /** New sessions for a batch; a caller refused a new one keeps the session it had (access tokens live 15 minutes). */
  static Map<String, String> tokens = new HashMap<>();

  static Map<String, String> freshTokens() {
    for (String caller : List.of("admin", "user")) {
      String fresh = signIn(caller);
      if (fresh != null) {
        tokens.put(caller, fresh);
      }
      assertThat(tokens.get(caller)).as("a session of %s", caller).isNotNull();
    }
    return Map.copyOf(tokens);
  }

  static String fill(Op op, SchemaFuzz fuzz, boolean realOnly) {
    String path = op.template();
    StringBuilder query = new StringBuilder();
    for (JsonObject p : fuzz.parameters(op.pathItem(), op.operation())) {
      String name = p.getString("name");
      if ("path".equals(p.getString("in"))) {
        List<String> known = real.getOrDefault(name, List.of());
        String value = realOnly && !known.isEmpty() ? fuzz.pick(known) : fuzz.pathValue(known);
        path = path.replace("{" + name + "}", URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
      } else if ("query".equals(p.getString("in")) && !realOnly && fuzz.random().nextBoolean()) {
        query.append(query.length() == 0 ? '?' : '&').append(name).append('=')
            .append(URLEncoder.encode(fuzz.queryValue(p.getJsonObject("schema", new JsonObject())), StandardCharsets.UTF_8));
      }
    }
    if (!realOnly && fuzz.random().nextInt(6) == 0) {
      query.append(query.length() == 0 ? '?' : '&').append(fuzz.word(4)).append('=')
          .append(URLEncoder.encode(SchemaFuzz.encode(fuzz.oddValue()), StandardCharsets.UTF_8));
    }
    return path + query;
  }

  static Sent send(Op op, String target, String caller, String token, SchemaFuzz.Body body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + target)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null && body.contentType() != null) {
      b.header("Content-Type", body.contentType());
    }
    b.method(op.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
    sent.incrementAndGet();
    String how = body == null ? "no body" : body.how();
    HttpResponse<InputStream> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (java.net.http.HttpTimeoutException e) {
      return new Sent(op, target, caller, how, -1, "no answer within 10 s");
    }
    try (InputStream in = r.body()) {
      // an event stream never ends: its head is the answer
      boolean stream = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
      return new Sent(op, target, caller, how, r.statusCode(), stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** A 5xx, a timeout, or a 200 whose old-platform envelope says {@code "5000"} (server error). */
  static boolean broken(Sent s) {
    if (s.status() < 0 || s.status() >= 500) {
      return true;
    }
    return s.op().template().startsWith("/module/") && s.body() != null && s.body().contains("\"code\":\"5000\"");
  }

  /** A 4xx, or the old platform's envelope with a refusal code ({@code 4000}, {@code 4004}) under HTTP 200. */
  static boolean refused(Sent s) {
    if (s.op().template().startsWith("/module/") && s.status() == 200) {
      return s.body() != null && s.body().matches("(?s).*\"code\":\"40\\d\\d\".*");
    }
    return s.status() >= 400 && s.status() < 500;
  }

  static void assertAlive() {
    assertThat(http.get("/health/live").status()).as("the node answers /health/live").isEqualTo(200);
  }

  /** md5 of every table of the public schema but the timers', read with a connection of its own. */
  static Map<String, String> checksums() {
    Map<String, String> sums = new LinkedHashMap<>();
    for (List<Object> row : TestDb.query(node, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
      String table = row.get(0).toString();
      if (!TIMER_TABLES.contains(table)) {
        Object sum = TestDb.query(node, "SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM " + table + " t").get(0).get(0);
        sums.put(table, String.valueOf(sum));
      }
    }
    return sums;
  }

  @Test
  @Order(1)
  void requestsThatMustBeRefusedChangeNoStoredData() throws Exception {
    SchemaFuzz fuzz = new SchemaFuzz(new Random(SEED), contract);
    Map<String, String> tokens = freshTokens();
    Map<String, String> before = checksums();
    assertThat(before).containsKeys("users", "messages", "conversations", "participants", "groups", "audit_log", "notifications");
    List<String> wrong = new ArrayList<>();
    int count = 0;
    for (int round = 0; round < 4; round++) {
      for (Op op : ops) {
        List<Sent> batch = new ArrayList<>();
        String target = fill(op, fuzz, true);
        if (fuzz.jsonBodySchema(op.operation()) != null) {
          for (String caller : List.of("admin", "user")) {
            batch.add(send(op, target, caller, tokens.get(caller), fuzz.refusedBody()));
          }
        }
        if (op.secured()) {
          SchemaFuzz.Body valid = fuzz.jsonBodySchema(op.operation()) == null ? null
              : new SchemaFuzz.Body(SchemaFuzz.encode(fuzz.valid(fuzz.jsonBodySchema(op.operation()), 0)).getBytes(StandardCharsets.UTF_8),
                  "application/json", "valid body, no token");
          batch.add(send(op, target, "anonymous", null, valid));
          batch.add(send(op, target, "a forged token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", valid));
        }
        for (Sent s : batch) {
          count++;
          if (!refused(s)) {
            wrong.add(s.describe());
          }
        }
      }
    }
    assertAlive();
    System.out.println("fuzz: " + count + " requests that must be refused");
    assertThat(wrong).as("requests that must be refused, answered otherwise (seed %d)", SEED).isEmpty();
    assertThat(checksums()).as("tables after %d refused requests (seed %d)", count, SEED).isEqualTo(before);
  }

  @Test
  @Order(2)
  void randomAndMutatedRequestsToEveryOperationAreNever5xx() throws Exception {
    SchemaFuzz fuzz = new SchemaFuzz(new Random(SEED + 1), contract);
    List<String> broken = Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> statuses = Collections.synchronizedMap(new java.util.TreeMap<>());
    ExecutorService lanes = Executors.newFixedThreadPool(LANES);
    try {
      for (int start = 0; start < REQUESTS; start += BATCH) {
        Map<String, String> tokens = freshTokens();
        List<Future<Sent>> batch = new ArrayList<>();
        for (int i = start; i < Math.min(REQUESTS, start + BATCH); i++) {
          // every operation in turn, so that each gets its share
          Op op = ops.get(i % ops.size());
          String caller = fuzz.pick(List.of("admin", "admin", "user", "user", "anonymous"));
          String target = fill(op, fuzz, false);
          JsonObject schema = fuzz.jsonBodySchema(op.operation());
          SchemaFuzz.Body body = schema != null || fuzz.random().nextInt(4) == 0 ? fuzz.body(schema) : null;
          String token = token(caller, op, tokens);
          batch.add(lanes.submit(() -> send(op, target, caller, token, body)));
        }
        for (Future<Sent> f : batch) {
          Sent s = f.get(60, TimeUnit.SECONDS);
          statuses.merge(Integer.toString(s.status()), 1, Integer::sum);
          if (broken(s)) {
            broken.add(s.describe());
          }
        }
        assertAlive();
      }
    } finally {
      lanes.shutdownNow();
    }
    int raw = malformedTargets(fuzz, broken);
    System.out.println("fuzz: " + REQUESTS + " random requests and " + raw + " malformed request targets; statuses " + statuses);
    assertThat(broken).as("answers that are not 2xx/4xx (seed %d)", SEED).isEmpty();
    assertAlive();
  }

  /** Request lines no HTTP client library would send: bad escapes, raw spaces, control bytes; answers how many were sent. */
  static int malformedTargets(SchemaFuzz fuzz, List<String> broken) throws IOException {
    List<String> odd = List.of("%ZZ", "%", "%0", "%00", "%C3%28", "%FF%FE", "a%2F..%2F..", "..", "~", "%E2%80%AE");
    int count = 0;
    for (Op op : ops) {
      String target = op.template().replaceAll("\\{[^}]+}", fuzz.pick(odd)) + (fuzz.random().nextBoolean() ? "?limit=" + fuzz.pick(odd) : "");
      String line = op.method() + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(line.getBytes(StandardCharsets.ISO_8859_1));
        String status = statusLine(s.getInputStream());
        count++;
        sent.incrementAndGet();
        if (status == null || !status.matches("HTTP/1\\.[01] [1-4]\\d\\d.*")) {
          broken.add(op.id() + " raw " + target + ": " + status);
        }
      } catch (java.net.SocketTimeoutException e) {
        broken.add(op.id() + " raw " + target + ": no answer within 10 s");
      }
    }
    return count;
  }

  private static String statusLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1).trim();
  }

  /**
   * A socket kind, the frame types its fuzz frames take (never {@code ping}, whose pong is the liveness
   * check), and whether it speaks JSON.
   */
  record Kind(String name, String uri, List<String> frameTypes, boolean json) {
  }

  @Test
  @Order(3)
  void randomFramesToEverySocketKindGetKnownFramesOrADocumentedClose() throws Exception {
    SchemaFuzz fuzz = new SchemaFuzz(new Random(SEED + 2), contract);
    String token = freshTokens().get("user");
    // a conversation and a module of its own: the request fuzzer may have made the user leave the fixture one, or deleted the module
    String moduleHash = http.post("/module/register", new JsonObject().put("name", "fuzz-socket-module"), null).json()
        .getJsonObject("result").getString("hash");
    String conversation = http.post("/api/conversations", new JsonObject().put("kind", "group"), token).json().getString("id");
    List<Kind> kinds = List.of(
        new Kind("chat", "/ws/chat/" + conversation + "?token=" + token, List.of("send", "typing", "read", "recall", "delete", "pong"), true),
        new Kind("notifications", "/ws/notifications?token=" + token, List.of("pong", "send", "read"), true),
        new Kind("legacy", "/ws/" + token + "/", List.of("pong", "send", "read"), true),
        new Kind("module", "/websocket?hash=" + moduleHash, List.of("heartbeat"), false));
    Set<String> serverTypes = Set.of("welcome", "message", "ack", "recalled", "deleted", "typing", "read", "presence", "banner", "pong",
        "error", "notification", "module");
    Set<String> errorCodes = Set.of("bad_frame", "too_long", "rate_limited", "forbidden", "bad_since", "not_found", "conflict", "validation_failed");
    Set<Integer> documentedCloses = Set.of(1008, 1009);
    WebSocketClient ws = FuzzSockets.client(vertx);
    List<String> wrong = new ArrayList<>();
    int frames = 0;
    for (Kind kind : kinds) {
      FuzzSockets socket = FuzzSockets.open(ws, node.port(), kind.uri());
      int reconnects = 0;
      java.util.ArrayDeque<String> recent = new java.util.ArrayDeque<>();
      for (int i = 0; i < FRAMES; i++) {
        if (recent.size() > 25) {
          recent.removeFirst();
        }
        if (fuzz.random().nextInt(6) == 0) {
          byte[] bytes = new byte[fuzz.random().nextInt(300)];
          fuzz.random().nextBytes(bytes);
          recent.add("binary " + bytes.length);
          socket.binary(bytes);
        } else {
          String f = fuzz.frame(kind.frameTypes());
          recent.add(f.length() > 80 ? f.substring(0, 80) + "… (" + f.length() + ")" : f);
          socket.text(f);
        }
        frames++;
        sent.incrementAndGet();
        if (i % 25 == 24 || i == FRAMES - 1) {
          // alive: a ping (heartbeat) is answered, or the socket was closed with a documented code
          List<String> seen = new ArrayList<>();
          socket.text(kind.json() ? "{\"type\":\"ping\"}" : "heartbeat");
          String answer = socket.await(f -> kind.json() ? f.contains("\"pong\"") : f.equals("heartbeat confirm"), seen);
          check(kind, seen, serverTypes, errorCodes, wrong);
          if (answer == null) {
            int code = socket.closed.get(FuzzSockets.WAIT_SECONDS, TimeUnit.SECONDS);
            if (!documentedCloses.contains(code)) {
              wrong.add(kind.name() + ": closed with " + code + " after " + printable(String.join(" | ", recent)));
            }
            socket = FuzzSockets.open(ws, node.port(), kind.uri());
            reconnects++;
          } else if (fuzz.random().nextInt(8) == 0) {
            // a frame over the limit, text or binary, must close the socket with 1009
            if (fuzz.random().nextBoolean()) {
              socket.text("w".repeat(65_537 + fuzz.random().nextInt(10_000)));
            } else {
              socket.binary(new byte[65_537 + fuzz.random().nextInt(10_000)]);
            }
            frames++;
            sent.incrementAndGet();
            int code = socket.closed.get(FuzzSockets.WAIT_SECONDS, TimeUnit.SECONDS);
            // the server closes with 1009 while the rest of the frame is still arriving: the unread bytes turn its close into a
            // TCP reset, which may reach the client before the close frame does (1006, no close frame)
            if (code != 1009 && code != 1006) {
              wrong.add(kind.name() + ": an oversized frame closed the socket with " + code);
            }
            socket = FuzzSockets.open(ws, node.port(), kind.uri());
            reconnects++;
          }
          recent.clear();
        }
      }
      socket.close();
      System.out.println("fuzz: " + FRAMES + " frames to " + kind.name() + " sockets, " + reconnects + " documented closes");
      assertAlive();
    }
    assertThat(wrong).as("socket answers outside the protocol after %d frames (seed %d)", frames, SEED).isEmpty();
    assertAlive();
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(c -> b.append(c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff) || c > 0xffff ? String.format("\\u%04x", c) : Character.toString(c)));
    return b.toString();
  }

  static void check(Kind kind, List<String> seen, Set<String> types, Set<String> codes, List<String> wrong) {
    for (String f : seen) {
      if (!kind.json()) {
        if (!f.equals("heartbeat confirm")) {
          wrong.add(kind.name() + ": unexpected frame " + f);
        }
        continue;
      }
      JsonObject frame;
      try {
        frame = new JsonObject(f);
      } catch (RuntimeException e) {
        wrong.add(kind.name() + ": not a JSON frame: " + f);
        continue;
      }
      if (!types.contains(frame.getString("type"))) {
        wrong.add(kind.name() + ": unknown frame type " + f);
      } else if ("error".equals(frame.getString("type")) && !codes.contains(frame.getString("code"))) {
        wrong.add(kind.name() + ": error frame " + f);
      }
    }
  }
}
