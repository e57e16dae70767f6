package io.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.modules.ModuleClient;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.NodeProcess;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import io.switchboard.testing.WebhookTarget;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A node in a JVM of its own is killed with SIGKILL in the middle of a burst of sends, over its
 * sockets and over HTTP, while a second node (in this JVM) shares its Postgres and Redis. Every
 * acknowledged message is in history, seqs without a gap; its client reconnects to the other node with
 * {@code since} and misses nothing; its user's presence and its module go offline within their
 * bounds; the job it had claimed is finished by the other node once its lease ran out.
 */
class NodeKillTest {

  static final int PRESENCE_HEARTBEAT_SECONDS = 1;
  static final int MODULE_TIMEOUT_SECONDS = 2;
  static final int MODULE_FLUSH_MILLIS = 300;
  static final int EXPIRE_SECONDS = 1;
  static final int LEASE_SECONDS = 4;
  static final int POLL_MILLIS = 200;
  /** Room for a busy machine on top of each bound. */
  static final Duration SLACK = Duration.ofSeconds(4);
  static final int SOCKET_SENDS_BEFORE_KILL = 150;

  static Map<String, String> settings() {
    return Map.ofEntries(
        Map.entry("SWITCHBOARD_REDIS_URL", TestRedis.url()),
        Map.entry("SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix()),
        Map.entry("SWITCHBOARD_PRESENCE_HEARTBEAT_SECONDS", Integer.toString(PRESENCE_HEARTBEAT_SECONDS)),
        Map.entry("SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS", Integer.toString(MODULE_TIMEOUT_SECONDS)),
        Map.entry("SWITCHBOARD_MODULE_HEARTBEAT_FLUSH_MILLIS", Integer.toString(MODULE_FLUSH_MILLIS)),
        Map.entry("SWITCHBOARD_JOBS_LEASE_SECONDS", Integer.toString(LEASE_SECONDS)),
        Map.entry("SWITCHBOARD_JOBS_POLL_MILLIS", Integer.toString(POLL_MILLIS)),
        Map.entry("SWITCHBOARD_JOBS_BACKOFF_MILLIS", "200"),
        Map.entry("SWITCHBOARD_WEBHOOK_TIMEOUT_MILLIS", "30000"),
        Map.entry("SWITCHBOARD_RATE_BURST", "100000"),
        Map.entry("SWITCHBOARD_WS_FRAME_BURST", "100000"),
        Map.entry("SWITCHBOARD_WS_FRAMES_PER_SECOND", "100000"),
        Map.entry("SWITCHBOARD_RATE_PER_SECOND", "100000"));
  }

  @Test
  void aNodeKilledMidBurstLosesNothingAcknowledged() throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    Vertx vertx = Vertx.vertx();
    WebSocketClient client = ChatClient.client(vertx);
    // a delivery that reaches the target before the kill is never answered (its node dies holding it)
    try (WebhookTarget target = new WebhookTarget(n -> killed.get() ? 200 : 0);
        TestNode a = TestNode.start(settings());
        NodeProcess c = NodeProcess.startPeer(a, Map.of())) {
      Http http = a.http();
      String admin = Accounts.adminToken(http);
      Http.Response expire = http.patch("/api/admin/schedules/modules.expire", new JsonObject().put("intervalSeconds", EXPIRE_SECONDS), admin);
      assertThat(expire.status()).as(expire.toString()).isEqualTo(200);
      String tag = Long.toString(System.nanoTime() % 1_000_000, 36);
      Account x = Accounts.signUp(http, "killx" + tag);
      Account h = Accounts.signUp(http, "killh" + tag);
      Account y = Accounts.signUp(http, "killy" + tag);
      String id = Conversations.group(http, x, h, y);

      ChatClient yOnA = ChatClient.connect(client, a.port(), id, y.token(), null);
      yOnA.next("welcome");
      ChatClient xOnC = ChatClient.connect(client, c.port(), id, x.token(), null);
      xOnC.next("welcome");
      assertThat(yOnA.next(f -> isPresence(f, x.id()), "x online").getBoolean("online")).isTrue();

      String hash = register(c, "killmod" + tag);
      ModuleClient module = ModuleClient.open(vertx, client, c.port(), hash).heartbeatEvery(300);
      Wait.until(Duration.ofSeconds(10), "module online on the process node", () -> {
        JsonArray online = moduleOnline(a, hash);
        return online.size() == 1 && c.nodeId().equals(online.getJsonObject(0).getString("node"));
      });

      // a job taken by the process node (both nodes poll: enqueue until one is)
      String claimedByC = null;
      for (int i = 0; i < 10 && claimedByC == null; i++) {
        String job = enqueue(http, admin, target.url());
        JsonObject[] row = new JsonObject[1];
        Wait.until(Duration.ofSeconds(10), "job claimed", () -> (row[0] = job(http, admin, job)) != null && row[0].getString("lockedBy") != null);
        if (c.nodeId().equals(row[0].getString("lockedBy"))) {
          claimedByC = job;
        }
      }
      assertThat(claimedByC).as("a job claimed by the process node").isNotNull();
      String job = claimedByC;

      // the burst: HTTP sends on a thread of their own, socket sends from here; the kill lands in the middle
      Set<String> acked = ConcurrentHashMap.newKeySet();
      List<String> refusedHttp = new java.util.concurrent.CopyOnWriteArrayList<>();
      AtomicBoolean stopHttp = new AtomicBoolean();
      Thread httpBurst = new Thread(() -> {
        Http toC = c.http();
        for (int i = 0; !stopHttp.get(); i++) {
          String msgId = "h" + i;
          try {
            Http.Response r = toC.post("/api/conversations/" + id + "/messages",
                new JsonObject().put("text", "burst " + msgId).put("clientMsgId", msgId), h.token());
            if (r.status() == 201) {
              acked.add(msgId);
            } else if (!killed.get()) {
              refusedHttp.add(r.toString());
            }
          } catch (RuntimeException e) {
            return; // the node is gone
          }
        }
      }, "http-burst");
      httpBurst.start();
      List<JsonObject> frames = new ArrayList<>();
      int sent = 0;
      while (sent < SOCKET_SENDS_BEFORE_KILL) {
        for (int i = 0; i < 10; i++, sent++) {
          xOnC.send(new JsonObject().put("type", "send").put("text", "burst s" + sent).put("clientMsgId", "s" + sent));
        }
        try {
          frames.add(xOnC.next("ack"));
        } catch (AssertionError e) {
          throw new AssertionError("no ack during the burst; frames: " + xOnC.drain() + "; node log: " + c.log(), e);
        }
      }
      Wait.until(Duration.ofSeconds(20), "HTTP sends acknowledged too", () -> acked.stream().filter(m -> m.startsWith("h")).count() >= 5);
      for (int i = 0; i < 20; i++, sent++) {
        xOnC.send(new JsonObject().put("type", "send").put("text", "burst s" + sent).put("clientMsgId", "s" + sent));
      }
      c.kill();
      killed.set(true);
      long killedAt = System.currentTimeMillis();
      stopHttp.set(true);
      httpBurst.join(30_000);
      xOnC.awaitClose();
      frames.addAll(xOnC.drain());
      List<Long> seenOnC = new ArrayList<>();
      for (JsonObject f : frames) {
        if ("ack".equals(f.getString("type"))) {
          acked.add(f.getString("clientMsgId"));
        } else if ("message".equals(f.getString("type"))) {
          seenOnC.add(f.getJsonObject("message").getLong("seq"));
        }
      }
      assertThat(seenOnC).as("what the killed node's socket got, in order").containsExactlyElementsOf(History.range(1, seenOnC.size()));
      long lastSeenOnC = seenOnC.size();
      assertThat(acked.stream().filter(m -> m.startsWith("s")).count()).as("socket sends acknowledged before the kill")
          .isGreaterThanOrEqualTo(SOCKET_SENDS_BEFORE_KILL / 10);
      assertThat(refusedHttp).as("HTTP sends refused while the node lived").isEmpty();

      // presence: the dead node's key expires after three heartbeats, the survivor says so
      JsonObject offline = yOnA.next(f -> isPresence(f, x.id()), "x offline");
      assertThat(offline.getBoolean("online")).isFalse();
      assertThat(System.currentTimeMillis() - killedAt).as("presence gone within three heartbeats and a sweep")
          .isLessThan(PRESENCE_HEARTBEAT_SECONDS * 4000L + SLACK.toMillis());
      // the module: no heartbeat written any more, modules.expire on the survivor sets it offline
      long moduleBound = MODULE_TIMEOUT_SECONDS * 1000L + MODULE_FLUSH_MILLIS + EXPIRE_SECONDS * 1000L + POLL_MILLIS;
      Wait.until(Duration.ofMillis(moduleBound).plus(SLACK), "module offline", () -> moduleOnline(a, hash).isEmpty());
      assertThat(module.awaitClose().code()).as("the module's connection ended with its node, no close frame").isEqualTo(1006);
      // the job: claimable again once its lease ran out, then done by the survivor
      JsonObject[] done = new JsonObject[1];
      Wait.until(Duration.ofSeconds(LEASE_SECONDS).plus(SLACK).plusSeconds(2), "job done by the survivor",
          () -> (done[0] = job(http, admin, job)) != null && "done".equals(done[0].getString("status")));
      assertThat(done[0].getString("lockedBy")).isEqualTo(a.node().context().nodeId());
      Duration held = Duration.between(java.time.Instant.parse(done[0].getString("createdAt")),
          java.time.Instant.parse(done[0].getString("finishedAt")));
      assertThat(held).as("taken again only once its lease ran out").isGreaterThanOrEqualTo(Duration.ofSeconds(LEASE_SECONDS));

      // history: every acknowledged message, once, without a gap
      List<JsonObject> history = History.gapless(a, id, x.token());
      List<String> stored = history.stream().map(m -> m.getString("clientMsgId")).toList();
      assertThat(stored).doesNotHaveDuplicates().containsAll(acked);
      long lastSeq = history.size();

      // the killed node's client reconnects to the survivor with since and misses nothing
      try (ChatClient xOnA = ChatClient.connect(client, a.port(), id, x.token(), lastSeenOnC)) {
        xOnA.next("welcome");
        List<Long> rest = xOnA.messageSeqs((int) (lastSeq - lastSeenOnC));
        assertThat(rest).containsExactlyElementsOf(History.range(lastSeenOnC + 1, lastSeq));
        long after = post(a, id, y, "after the kill");
        assertThat(xOnA.next("message").getJsonObject("message").getLong("seq")).isEqualTo(after).isEqualTo(lastSeq + 1);
      }
      yOnA.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  static boolean isPresence(JsonObject f, String userId) {
    return "presence".equals(f.getString("type")) && userId.equals(f.getString("userId"));
  }

  static long post(TestNode node, String id, Account who, String text) {
    Http.Response r = node.http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", text), who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getLong("seq");
  }

  static String register(NodeProcess node, String name) {
    Http.Response r = node.http().get("/module/register?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
        + "&description=d&missionKind=forecast&dataRequirement=" + URLEncoder.encode("{}", StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getString("code")).as(r.toString()).isEqualTo("2000");
    return r.json().getJsonObject("result").getString("hash");
  }

  static JsonArray moduleOnline(TestNode node, String hash) {
    Http.Response r = node.http().get("/module/online?hash=" + hash);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("result");
  }

  static String enqueue(Http http, String admin, String url) {
    Http.Response r = http.post("/api/admin/jobs", new JsonObject().put("kind", "webhook").put("maxAttempts", 5)
        .put("payload", new JsonObject().put("url", url).put("body", new JsonObject().put("fault", "kill"))), admin);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("id");
  }

  static JsonObject job(Http http, String admin, String id) {
    for (String status : List.of("queued", "running", "done", "failed")) {
      JsonObject found = http.get("/api/admin/jobs?status=" + status + "&limit=200", admin).items().stream().map(o -> (JsonObject) o)
          .filter(j -> j.getString("id").equals(id)).findFirst().orElse(null);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
