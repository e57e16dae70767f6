package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.RedisClusterTest;
import io.switchboard.testing.RedisProcess;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedisCluster;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Topology changes while two nodes exchange a conversation's messages over a Redis Cluster of three
 * masters with a replica each: a shard's master dies and its replica takes over (the old master, started
 * again on its port, rejoins as a replica); a master dies with no replica and is started again; a
 * channel's slot moves to another master. Each time both nodes subscribe again where the channel now
 * lives, and every socket on either node ends with every stored message, in seq order, once.
 */
@RedisClusterTest
class RedisClusterFailoverTest {

  static TestRedisCluster redis;
  static String prefix;
  static TestNode a;
  static TestNode b;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    redis = TestRedisCluster.start(true);
    Map<String, String> settings = new HashMap<>(redis.settings());
    prefix = settings.get("SWITCHBOARD_REDIS_PREFIX");
    settings.putAll(Map.of("SWITCHBOARD_PRESENCE_HEARTBEAT_SECONDS", "1",
        "SWITCHBOARD_RATE_BURST", "100000", "SWITCHBOARD_RATE_PER_SECOND", "100000"));
    a = TestNode.start(settings);
    b = TestNode.startPeer(a, Map.of());
    Wait.until(Duration.ofSeconds(20), "both nodes ready", () -> ready(a) && ready(b));
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  static boolean ready(TestNode node) {
    return node.http().get("/health/ready").status() == 200;
  }

  /** How many connections are subscribed to the sharded {@code channel} on {@code node}. */
  static long shardSubscribers(RedisProcess node, String channel) {
    List<?> reply = (List<?>) TestRedisCluster.command(node.port(), "PUBSUB", "SHARDNUMSUB", channel);
    return (Long) reply.get(1);
  }

  static double linkUp(TestNode node) {
    Matcher m = Pattern.compile("(?m)^switchboard_redis_link_up(\\{[^}]*\\})? (\\S+)$").matcher(node.http().get("/metrics").body());
    assertThat(m.find()).as("switchboard_redis_link_up on /metrics").isTrue();
    return Double.parseDouble(m.group(2));
  }

  @Test
  void aShardMasterFailingOverDuringTrafficLosesNothingStored() {
    Account x = Accounts.signUp(a.http(), "rcf-x");
    Account y = Accounts.signUp(a.http(), "rcf-y");
    String id = Conversations.group(a.http(), x, y);
    String channel = prefix + "conv:" + id;
    List<ChatClient> sockets = List.of(ChatClient.connect(client, a.port(), id, x.token(), null),
        ChatClient.connect(client, a.port(), id, y.token(), null), ChatClient.connect(client, b.port(), id, x.token(), null),
        ChatClient.connect(client, b.port(), id, y.token(), null));
    try {
      sockets.forEach(s -> s.next("welcome"));
      RedisProcess master = redis.masterOf(channel);
      // both nodes hear the conversation with SSUBSCRIBE, on the master of its slot
      Wait.until(Duration.ofSeconds(10), "both nodes subscribed on the channel's master", () -> shardSubscribers(master, channel) == 2);

      int sent = 0;
      for (; sent < 20; sent++) {
        post(sent, id, x, y);
      }
      master.kill();
      // traffic goes on, from both nodes, until a replica has taken over and both nodes are ready again
      boolean aWasDown = false;
      boolean bWasDown = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        post(sent++, id, x, y);
        boolean aReady = ready(a);
        boolean bReady = ready(b);
        aWasDown |= !aReady;
        bWasDown |= !bReady;
        if (aReady && bReady && aWasDown && bWasDown && redis.masterOf(channel) != master) {
          break;
        }
        assertThat(System.nanoTime()).as("failover and both nodes ready again within 60 s").isLessThan(deadline);
      }
      RedisProcess promoted = redis.masterOf(channel);
      for (int i = 0; i < 10; i++) {
        post(sent++, id, x, y);
      }
      List<Long> all = LongStream.rangeClosed(1, sent).boxed().toList();
      for (ChatClient s : sockets) {
        assertThat(s.messageSeqs(sent)).containsExactlyElementsOf(all);
        ClusterChatTest.assertNoMoreMessages(s);
      }
      assertThat(shardSubscribers(promoted, channel)).as("both nodes subscribed on the new master").isEqualTo(2);
      assertThat(linkUp(a)).isEqualTo(1.0);
      assertThat(linkUp(b)).isEqualTo(1.0);

      // the old master comes back on its port, as a replica of the new one; the link carries on
      master.restart();
      redis.awaitOk();
      assertThat(redis.masterOf(channel)).isSameAs(promoted);
      post(sent++, id, x, y);
      for (ChatClient s : sockets) {
        assertThat(s.messageSeqs(1)).containsExactly((long) sent);
      }
      assertThat(ready(a) && ready(b)).isTrue();
    } finally {
      sockets.forEach(ChatClient::close);
    }
  }

  /**
   * A shard's master dies with no replica to take over, and is started again on its port: meanwhile
   * the cluster refuses commands and both nodes report not ready while serving their own sockets;
   * once it is back they subscribe again, and every socket ends with every seq once, in order.
   */
  @Test
  void aShardMasterRestartedOnItsPortWithoutAReplicaLosesNothingStored() {
    Account x = Accounts.signUp(a.http(), "rcr-x");
    Account y = Accounts.signUp(a.http(), "rcr-y");
    String id = Conversations.group(a.http(), x, y);
    String channel = prefix + "conv:" + id;
    List<ChatClient> sockets = List.of(ChatClient.connect(client, a.port(), id, x.token(), null),
        ChatClient.connect(client, b.port(), id, y.token(), null));
    RedisProcess master = redis.masterOf(channel);
    List<RedisProcess> replicas = redis.replicasOf(master);
    try {
      sockets.forEach(s -> s.next("welcome"));
      Wait.until(Duration.ofSeconds(10), "both nodes subscribed on the channel's master", () -> shardSubscribers(master, channel) == 2);
      replicas.forEach(RedisProcess::kill);
      int sent = 0;
      for (; sent < 10; sent++) {
        post(sent, id, x, y);
      }
      master.kill();
      boolean aWasDown = false;
      boolean bWasDown = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(aWasDown && bWasDown)) {
        post(sent++, id, x, y);
        aWasDown |= !ready(a);
        bWasDown |= !ready(b);
        assertThat(System.nanoTime()).as("both nodes not ready within 30 s").isLessThan(deadline);
      }
      master.restart();
      redis.awaitOk();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(ready(a) && ready(b))) {
        post(sent++, id, x, y);
        assertThat(System.nanoTime()).as("both nodes ready again within 60 s").isLessThan(deadline);
      }
      for (int i = 0; i < 5; i++) {
        post(sent++, id, x, y);
      }
      List<Long> all = LongStream.rangeClosed(1, sent).boxed().toList();
      for (ChatClient s : sockets) {
        assertThat(s.messageSeqs(sent)).containsExactlyElementsOf(all);
        ClusterChatTest.assertNoMoreMessages(s);
      }
      assertThat(redis.masterOf(channel)).isSameAs(master);
      assertThat(shardSubscribers(master, channel)).isEqualTo(2);
    } finally {
      sockets.forEach(ChatClient::close);
      replicas.forEach(RedisProcess::restart);
      redis.awaitOk();
    }
  }

  /**
   * The slot of a conversation's channel moves to another master during traffic (a resharding): Redis
   * unsubscribes both nodes from it on the old master, they subscribe again on the new one, and every
   * socket ends with every seq once, in order.
   */
  @Test
  void aChannelsSlotMovingToAnotherMasterDuringTrafficLosesNothingStored() {
    Account x = Accounts.signUp(a.http(), "rcm-x");
    Account y = Accounts.signUp(a.http(), "rcm-y");
    String id = Conversations.group(a.http(), x, y);
    String channel = prefix + "conv:" + id;
    List<ChatClient> sockets = List.of(ChatClient.connect(client, a.port(), id, x.token(), null),
        ChatClient.connect(client, b.port(), id, y.token(), null));
    try {
      sockets.forEach(s -> s.next("welcome"));
      RedisProcess from = redis.masterOf(channel);
      RedisProcess to = redis.otherMaster(from);
      Wait.until(Duration.ofSeconds(10), "both nodes subscribed on the channel's master", () -> shardSubscribers(from, channel) == 2);
      int sent = 0;
      for (; sent < 10; sent++) {
        post(sent, id, x, y);
      }
      redis.moveSlot(channel, to);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (shardSubscribers(to, channel) < 2) {
        post(sent++, id, x, y);
        assertThat(System.nanoTime()).as("both nodes subscribed on the new master within 30 s").isLessThan(deadline);
      }
      for (int i = 0; i < 10; i++) {
        post(sent++, id, x, y);
      }
      List<Long> all = LongStream.rangeClosed(1, sent).boxed().toList();
      for (ChatClient s : sockets) {
        assertThat(s.messageSeqs(sent)).containsExactlyElementsOf(all);
        ClusterChatTest.assertNoMoreMessages(s);
      }
      assertThat(shardSubscribers(from, channel)).isZero();
      Wait.until(Duration.ofSeconds(10), "both nodes ready", () -> ready(a) && ready(b));
    } finally {
      sockets.forEach(ChatClient::close);
    }
  }

  /** Message {@code i}, alternately from x on node A and from y on node B. */
  static void post(int i, String id, Account x, Account y) {
    TestNode node = i % 2 == 0 ? a : b;
    Account who = i % 2 == 0 ? x : y;
    Http.Response r = node.http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "m" + i), who.token());
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }
}
