package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sockets that close before the node's Redis subscription for them completes give it back: once they
 * are all gone, the node listens to no conversation or user channel (it holds no socket of any).
 */
class SubscriptionChurnTest {

  static TestNode node;
  static Vertx vertx;
  static WebSocketClient client;
  static Redis redis;
  static String prefix;

  @BeforeAll
  static void start() {
    prefix = TestRedis.freshPrefix();
    node = TestNode.start(Map.of("SWITCHBOARD_REDIS_URL", TestRedis.url(), "SWITCHBOARD_REDIS_PREFIX", prefix));
    Wait.until(Duration.ofSeconds(10), "node ready", () -> node.http().get("/health/ready").status() == 200);
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient();
    redis = Redis.createClient(vertx, TestRedis.url());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  static List<String> subscribed() {
    try {
      Response r = redis.send(Request.cmd(Command.PUBSUB).arg("CHANNELS").arg(prefix + "*")).await(10, TimeUnit.SECONDS);
      List<String> channels = new ArrayList<>();
      r.forEach(c -> channels.add(c.toString()));
      return channels.stream().filter(c -> c.startsWith(prefix + "conv:") || c.startsWith(prefix + "user:")).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void socketsClosedAtOnceLeaveNoSubscriptionBehind() throws Exception {
    Account ann = Accounts.signUp(node.http(), "churn-ann");
    List<Future<?>> rounds = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // a conversation of its own each time: the subscription is new, so the close races it
      String id = Conversations.group(node.http(), ann);
      for (String uri : List.of("/ws/chat/" + id + "?token=" + ann.token(), "/ws/notifications?token=" + ann.token())) {
        rounds.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI(uri))
            .compose(ws -> ws.close()));
      }
    }
    Future.all(rounds).await(30, TimeUnit.SECONDS);
    Wait.until(Duration.ofSeconds(15), "no conversation or user channel left subscribed", () -> subscribed().isEmpty());
    assertThat(subscribed()).isEmpty();
  }
}
