package io.switchboard.cluster;

import static io.switchboard.testing.TestCluster.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.RedisClusterTest;
import io.switchboard.testing.RedisProcess;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedisCluster;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
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
  static TestCluster cluster;
  static TestNode a;
  static TestNode b;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    redis = TestRedisCluster.start(true);
    Map<String, String> settings = redis.settings();
    prefix = settings.get("SWITCHBOARD_REDIS_PREFIX");
    cluster = TestCluster.startFast(settings);
    a = cluster.a();
    b = cluster.b();
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
    if (redis != null) {
      redis.close();
    }
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
    Chat c = chat("rcf");
    String channel = c.channel();
    List<ChatClient> sockets = List.of(c.connect(a, c.x()), c.connect(a, c.y()), c.connect(b, c.x()), c.connect(b, c.y()));
    try {
      sockets.forEach(s -> s.next("welcome"));
      RedisProcess master = redis.masterOf(channel);
      // both nodes hear the conversation with SSUBSCRIBE, on the master of its slot
      awaitBothSubscribed(master, channel);

      int sent = c.post(0, 20);
      master.kill();
      // traffic goes on, from both nodes, until a replica has taken over and both nodes are ready again
      boolean aWasDown = false;
      boolean bWasDown = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        c.post(sent++);
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
      sent = c.post(sent, 10);
      assertEverySeqOnce(sockets, sent);
      assertThat(shardSubscribers(promoted, channel)).as("both nodes subscribed on the new master").isEqualTo(2);
      assertThat(linkUp(a)).isEqualTo(1.0);
      assertThat(linkUp(b)).isEqualTo(1.0);

      // the old master comes back on its port, as a replica of the new one; the link carries on
      master.restart();
      redis.awaitOk();
      assertThat(redis.masterOf(channel)).isSameAs(promoted);
      c.post(sent++);
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
    Chat c = chat("rcr");
    String channel = c.channel();
    List<ChatClient> sockets = List.of(c.connect(a, c.x()), c.connect(b, c.y()));
    RedisProcess master = redis.masterOf(channel);
    List<RedisProcess> replicas = redis.replicasOf(master);
    try {
      sockets.forEach(s -> s.next("welcome"));
      awaitBothSubscribed(master, channel);
      replicas.forEach(RedisProcess::kill);
      int sent = c.post(0, 10);
      master.kill();
      boolean aWasDown = false;
      boolean bWasDown = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(aWasDown && bWasDown)) {
        c.post(sent++);
        aWasDown |= !ready(a);
        bWasDown |= !ready(b);
        assertThat(System.nanoTime()).as("both nodes not ready within 30 s").isLessThan(deadline);
      }
      master.restart();
      redis.awaitOk();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(ready(a) && ready(b))) {
        c.post(sent++);
        assertThat(System.nanoTime()).as("both nodes ready again within 60 s").isLessThan(deadline);
      }
      sent = c.post(sent, 5);
      assertEverySeqOnce(sockets, sent);
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
    Chat c = chat("rcm");
    String channel = c.channel();
    List<ChatClient> sockets = List.of(c.connect(a, c.x()), c.connect(b, c.y()));
    try {
      sockets.forEach(s -> s.next("welcome"));
      RedisProcess from = redis.masterOf(channel);
      RedisProcess to = redis.otherMaster(from);
      awaitBothSubscribed(from, channel);
      int sent = c.post(0, 10);
      redis.moveSlot(channel, to);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (shardSubscribers(to, channel) < 2) {
        c.post(sent++);
        assertThat(System.nanoTime()).as("both nodes subscribed on the new master within 30 s").isLessThan(deadline);
      }
      sent = c.post(sent, 10);
      assertEverySeqOnce(sockets, sent);
      assertThat(shardSubscribers(from, channel)).isZero();
      Wait.until(Duration.ofSeconds(10), "both nodes ready", () -> ready(a) && ready(b));
    } finally {
      sockets.forEach(ChatClient::close);
    }
  }

  /** A group of two fresh accounts, and the sharded channel its events travel on. */
  record Chat(Account x, Account y, String id, String channel) {

    ChatClient connect(TestNode node, Account who) {
      return ChatClient.connect(client, node.port(), id, who.token(), null);
    }

    /** Message {@code i}, alternately from x on node A and from y on node B. */
    void post(int i) {
      TestNode node = i % 2 == 0 ? a : b;
      Account who = i % 2 == 0 ? x : y;
      Http.Response r = node.http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "m" + i), who.token());
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    /** Messages {@code from} to {@code from + count - 1}; answers how many have been sent then. */
    int post(int from, int count) {
      for (int i = from; i < from + count; i++) {
        post(i);
      }
      return from + count;
    }
  }

  static Chat chat(String base) {
    Account x = Accounts.signUp(a.http(), base + "-x");
    Account y = Accounts.signUp(a.http(), base + "-y");
    String id = Conversations.group(a.http(), x, y);
    return new Chat(x, y, id, prefix + "conv:" + id);
  }

  static void awaitBothSubscribed(RedisProcess master, String channel) {
    Wait.until(Duration.ofSeconds(10), "both nodes subscribed on the channel's master", () -> shardSubscribers(master, channel) == 2);
  }

  /** Every socket has every seq from 1 to {@code sent}, in order, once. */
  static void assertEverySeqOnce(List<ChatClient> sockets, int sent) {
    List<Long> all = LongStream.rangeClosed(1, sent).boxed().toList();
    for (ChatClient s : sockets) {
      assertThat(s.messageSeqs(sent)).containsExactlyElementsOf(all);
      ClusterChatTest.assertNoMoreMessages(s);
    }
  }
}
