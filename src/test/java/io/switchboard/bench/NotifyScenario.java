package io.switchboard.bench;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.switchboard.persistence.DatabaseUrl;
import io.switchboard.testing.Http;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The notification-centre scenario (SPEC §6): {@link #USERS} users in the {@code member} group, put
 * straight into the server's database with SQL (one bcrypt hash for all), {@link #CONNECTED} of them
 * with an open {@code /ws/notifications} socket (tokens minted here with the server's HS256 secret,
 * for sessions inserted into {@code sessions}), then one {@code POST /api/admin/notifications}
 * {@code {all: true}} per run.
 *
 * <p>Per run: the POST's answer time (201 comes after the commit of every recipient row); each
 * socket's time from sending the POST to its notification frame, and that it got exactly one, with
 * a larger id than its previous one; the largest event-loop delay seen by probe sockets that send a
 * {@code ping} frame every {@link #PROBE_INTERVAL_MS} ms and time the {@code pong} (a round trip
 * through the server's event loop; the server exposes no event-loop meter), from the POST until a
 * second after the last frame, with the probe timer's own lateness beside it (delay on this side,
 * included in the round trips); the server JVM's CPU and the CPU of the Postgres backends
 * connected to the server's database, from {@code /proc/<pid>/stat}, from the POST until the last
 * frame (or the answer, if later).
 */
final class NotifyScenario implements AutoCloseable {

  static final int USERS = 100_000;
  static final int CONNECTED = 5_000;
  static final int PROBES = 4;
  static final long PROBE_INTERVAL_MS = 5;
  static final String MEMBER_GROUP = "00000000-0000-0000-0000-000000000002";

  /** One send's figures; times in milliseconds from sending the POST. */
  record Run(String label, int status, double commitMs, Latencies.Summary delivery, long got, long lost, long duplicates,
      long badIds, long closes, double loopMaxMs, double loopMaxAtMs, double probeLateMs, double loopIdleMaxMs, double serverCpuMs,
      double pgCpuMs, String busiestThreads, String firstError) {

    long errors() {
      return duplicates + badIds + closes + (status == 201 ? 0 : 1);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final Vertx probeVertx;
  private final Context probeContext;
  private final WebSocketClient probeClient;
  private final String pgUrl;
  private final DatabaseUrl db;
  private final List<Sock> sockets = new ArrayList<>();
  private final List<Probe> probes = new ArrayList<>();

  // state of the current send; touched on the generator's event loop only
  private String title;
  private long sentAt;
  private long got;
  private long duplicates;
  private long badIds;
  private long closes;
  private String firstError;
  private Latencies latencies = new Latencies();

  // probe state; touched on the probe event loop only
  private long probeMaxNanos;
  private long probeLateNanos;
  private long probeLastTick;
  private long probeMaxAt;
  private long probeOrigin;

  NotifyScenario(String pgUrl) {
    this.pgUrl = pgUrl;
    this.db = DatabaseUrl.parse(pgUrl);
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setConnectTimeout(60_000)
        .setReuseAddress(true));
    // the probes have an event loop of their own, so that receiving thousands of frames does not delay their pings
    this.probeVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    this.probeContext = probeVertx.getOrCreateContext();
    this.probeClient = probeVertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(60_000));
  }

  private final class Sock {
    ClientWebSocket ws;
    long lastId = -1;
    boolean gotThis;
  }

  private final class Probe {
    ClientWebSocket ws;
    final ArrayDeque<Long> pending = new ArrayDeque<>();
  }

  // ---------------------------------------------------------------- users and tokens

  /**
   * Inserts the users, the group memberships and sessions of the connected ones; answers the access
   * tokens of the connected ones (claims sub, sid, jti, exp, as the server issues them).
   */
  List<String> seed(String jwtSecret, int ttlSeconds) {
    String hash = BCrypt.with(BCrypt.Version.VERSION_2A).hashToString(4, "notify-password".toCharArray());
    List<String[]> sessions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.setAutoCommit(false);
      try (PreparedStatement st = c.prepareStatement("INSERT INTO users (id, username, display_name, password_hash) "
          + "SELECT gen_random_uuid(), 'notify-user-' || g, 'Notify user ' || g, ? FROM generate_series(1, ?) g")) {
        st.setString(1, hash);
        st.setInt(2, USERS);
        st.executeUpdate();
      }
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO user_groups (user_id, group_id) SELECT id, '" + MEMBER_GROUP
            + "' FROM users WHERE username LIKE 'notify-user-%'");
      }
      try (PreparedStatement st = c.prepareStatement("INSERT INTO sessions (id, user_id, expires_at, ip, user_agent) "
          + "SELECT gen_random_uuid(), id, now() + make_interval(secs => ?), '127.0.0.1', 'switchboard-bench' "
          + "FROM users WHERE username LIKE 'notify-user-%' ORDER BY username LIMIT ? RETURNING id, user_id")) {
        st.setInt(1, ttlSeconds);
        st.setInt(2, CONNECTED);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            sessions.add(new String[] {rs.getString("user_id"), rs.getString("id")});
          }
        }
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        c.setAutoCommit(true);
        st.execute("ANALYZE users");
        st.execute("ANALYZE user_groups");
      }
    } catch (Exception e) {
      throw new IllegalStateException("seeding users: " + e, e);
    }
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(jwtSecret)));
    List<String> tokens = new ArrayList<>();
    for (String[] s : sessions) {
      JsonObject claims = new JsonObject().put("sub", s[0]).put("sid", s[1]).put("jti", UUID.randomUUID().toString());
      tokens.add(jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds)));
    }
    return tokens;
  }

  // ---------------------------------------------------------------- sockets

  private static <T> T await(Context ctx, Supplier<Future<T>> action, long timeoutSeconds) {
    return LoadGenerator.await(ctx, action, timeoutSeconds);
  }


  /** Opens one notification socket per token (at most {@code inFlight} upgrades at once), each counted when its welcome arrived. */
  LoadGenerator.Opened open(int port, List<String> tokens, int inFlight) {
    return await(context, () -> LoadGenerator.openAll(tokens, inFlight, token -> connect(port, token)), 600);
  }

  private Future<Void> connect(int port, String token) {
    Sock s = new Sock();
    ClientWebSocket ws = client.webSocket();
    s.ws = ws;
    Promise<Void> welcomed = Promise.promise();
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      if ("welcome".equals(type)) {
        s.lastId = Long.parseLong(String.valueOf(frame.getValue("lastId")));
        welcomed.tryComplete();
      } else if ("notification".equals(type)) {
        onNotification(s, frame.getJsonObject("notification"));
      } else if (firstError == null) {
        firstError = "unexpected frame: " + text;
      }
    });
    ws.closeHandler(v -> {
      closes++;
      if (firstError == null) {
        firstError = "socket closed by the server with " + ws.closeStatusCode() + " " + ws.closeReason();
      }
      welcomed.tryFail("closed with " + ws.closeStatusCode() + " " + ws.closeReason() + " before the welcome");
    });
    return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws/notifications?token=" + token))
        .compose(x -> {
          sockets.add(s);
          return welcomed.future();
        });
  }

  private void onNotification(Sock s, JsonObject n) {
    long now = System.nanoTime();
    long id = Long.parseLong(String.valueOf(n.getValue("id")));
    if (id <= s.lastId) {
      badIds++;
      if (firstError == null) {
        firstError = "notification id " + id + " not above the socket's previous " + s.lastId;
      }
    }
    s.lastId = id;
    if (!n.getString("title", "").equals(title)) {
      return; // an earlier send's (late frames of it count as duplicates there only while it runs)
    }
    if (s.gotThis) {
      duplicates++;
      return;
    }
    s.gotThis = true;
    got++;
    latencies.add(now - sentAt);
  }

  /** Probe sockets (of {@code token}'s user) on the server, pinging every {@link #PROBE_INTERVAL_MS} ms. */
  void openProbes(int port, String token) {
    for (int i = 0; i < PROBES; i++) {
      await(probeContext, () -> {
        Probe p = new Probe();
        p.ws = probeClient.webSocket();
        p.ws.textMessageHandler(text -> {
          if (text.startsWith("{\"type\":\"pong\"")) {
            Long at = p.pending.poll();
            if (at != null && System.nanoTime() - at > probeMaxNanos) {
              probeMaxNanos = System.nanoTime() - at;
              probeMaxAt = at;
            }
          }
        });
        return p.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws/notifications?token=" + token))
            .map(x -> {
              probes.add(p);
              return (Void) null;
            });
      }, 60);
    }
    await(probeContext, () -> {
      probeLastTick = System.nanoTime();
      probeVertx.setPeriodic(PROBE_INTERVAL_MS, t -> {
        long now = System.nanoTime();
        // the probe's own lateness: time this JVM (not the server) kept the ping from going out
        probeLateNanos = Math.max(probeLateNanos, now - probeLastTick - TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MS));
        probeLastTick = now;
        for (Probe p : probes) {
          p.pending.add(now);
          p.ws.writeTextMessage("{\"type\":\"ping\"}");
        }
      });
      return Future.succeededFuture();
    }, 10);
  }

  /**
   * The largest ping round trip since the last call (a ping still unanswered counts its age so far),
   * the probe timer's own largest lateness, and when the worst ping was sent (after {@code origin}),
   * in ms; resets them.
   */
  double[] takeProbeMax(long origin) {
    return await(probeContext, () -> {
      long now = System.nanoTime();
      long max = probeMaxNanos;
      probeOrigin = origin;
      long maxAt = probeMaxAt;
      for (Probe p : probes) {
        Long oldest = p.pending.peek();
        if (oldest != null && now - oldest > max) {
          max = now - oldest;
          maxAt = oldest;
        }
      }
      double[] out = {max / 1e6, probeLateNanos / 1e6, (maxAt - probeOrigin) / 1e6};
      probeMaxNanos = 0;
      probeLateNanos = 0;
      return Future.succeededFuture(out);
    }, 10);
  }

  // ---------------------------------------------------------------- one send

  Run send(String label, Http http, String adminToken, long serverPid, long timeoutSeconds) {
    String runTitle = "bench notification " + UUID.randomUUID();
    await(context, () -> {
      title = runTitle;
      got = 0;
      duplicates = 0;
      badIds = 0;
      closes = 0;
      firstError = null;
      latencies = new Latencies();
      for (Sock s : sockets) {
        s.gotThis = false;
      }
      return Future.succeededFuture();
    }, 10);
    takeProbeMax(0);
    ServerProcess.sleep(1000);
    double idleMax = takeProbeMax(0)[0];
    List<Long> pgPids = pgBackends();
    Map<String, Long> threads0 = Machine.threadTicks(serverPid);
    long serverCpu0 = Machine.cpuTicks(serverPid);
    long pgCpu0 = Machine.cpuTicks(pgPids);
    long start = System.nanoTime();
    await(context, () -> {
      sentAt = start;
      return Future.succeededFuture();
    }, 10);
    Http.Response r = http.post("/api/admin/notifications", new JsonObject().put("all", true).put("title", runTitle)
        .put("body", "benchmark send").put("data", new JsonObject().put("run", label)), adminToken);
    double commitMs = (System.nanoTime() - start) / 1e6;
    long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline && await(context, () -> Future.succeededFuture(got), 10) < sockets.size()) {
      ServerProcess.sleep(5);
    }
    long serverCpu1 = Machine.cpuTicks(serverPid);
    long pgCpu1 = Machine.cpuTicks(pgPids);
    Map<String, Long> threads1 = Machine.threadTicks(serverPid);
    // late or repeated frames; the loop delay is watched until the end of this second too
    ServerProcess.sleep(1000);
    double[] loop = takeProbeMax(start);
    double tickMs = Machine.tickMs();
    List<String> busiest = new ArrayList<>();
    threads1.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .limit(4)
        .forEach(e -> busiest.add(e.getKey() + " " + Math.round(e.getValue() * tickMs) + " ms"));
    return await(context, () -> Future.succeededFuture(new Run(label, r.status(), commitMs, latencies.summary(), got,
        sockets.size() - got, duplicates, badIds, closes, loop[0], loop[2], loop[1], idleMax, (serverCpu1 - serverCpu0) * tickMs,
        (pgCpu1 - pgCpu0) * tickMs, String.join(", ", busiest),
        r.status() == 201 ? firstError : "POST answered " + r)), 10);
  }

  /** The pids of the Postgres backends connected to the server's database (this JVM's own connection excluded). */
  private List<Long> pgBackends() {
    return Backends.backendPids(pgUrl);
  }

  int openSockets() {
    return await(context, () -> Future.succeededFuture(sockets.size()), 10);
  }

  @Override
  public void close() {
    LoadGenerator.closeQuietly(probeVertx);
    LoadGenerator.closeQuietly(vertx);
  }
}
