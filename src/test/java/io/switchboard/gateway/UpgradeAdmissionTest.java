package io.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many sockets opening at once against a node whose Postgres pool is tiny (2 connections, 8 waiting):
 * their checks take turns ({@code ws.upgradeChecks}) and every one is upgraded, where without the turns
 * the pool refuses most of them with 503; and past {@code ws.upgradeQueue} an upgrade gets 503
 * {@code unavailable} at once.
 */
class UpgradeAdmissionTest {

  static final int SOCKETS = 200;
  /** Two connections, eight waiting; one check at a time on each of the node's two event loops. */
  static final Map<String, String> TINY_POOL = Map.of("SWITCHBOARD_PG_POOL_SIZE", "2", "SWITCHBOARD_PG_MAX_WAIT_QUEUE", "8",
      "SWITCHBOARD_WS_UPGRADE_CHECKS", "1");

  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(SOCKETS * 2));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Opens {@link #SOCKETS} chat sockets at once; answers how many ended with each outcome (101, or the refusal's status). */
  static Map<Integer, Integer> burst(TestNode node) throws Exception {
    Http http = node.http();
    Account ann = Accounts.signUp(http, "burst-" + System.nanoTime());
    String room = Conversations.group(http, ann);
    List<Future<Integer>> outcomes = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/ws/chat/" + room + "?token=" + ann.token() + "&since=0");
      outcomes.add(client.connect(options).map(ws -> {
        ws.close();
        return 101;
      }).recover(e -> e instanceof UpgradeRejectedException r ? Future.succeededFuture(r.getStatus()) : Future.failedFuture(e)));
    }
    Future.all(outcomes).await(60, TimeUnit.SECONDS);
    Map<Integer, Integer> counts = new TreeMap<>();
    outcomes.forEach(f -> counts.merge(f.result(), 1, Integer::sum));
    return counts;
  }

  @Test
  void aBurstOfUpgradesTakesTurnsAndEveryOneIsUpgraded() throws Exception {
    try (TestNode node = TestNode.start(TINY_POOL)) {
      assertThat(burst(node)).isEqualTo(Map.of(101, SOCKETS));
    }
  }

  @Test
  void withoutTurnsTheTinyPoolRefusesMostOfTheBurst() throws Exception {
    // the control: every check at once overflows the pool's wait queue, as before the turns
    Map<String, String> settings = new HashMap<>(TINY_POOL);
    settings.put("SWITCHBOARD_WS_UPGRADE_CHECKS", "100000");
    try (TestNode node = TestNode.start(settings)) {
      Map<Integer, Integer> outcomes = burst(node);
      assertThat(outcomes.getOrDefault(503, 0)).as("%s", outcomes).isPositive();
    }
  }

  @Test
  void pastTheQueueAnUpgradeIsRefusedWith503() throws Exception {
    Map<String, String> settings = new HashMap<>(TINY_POOL);
    settings.put("SWITCHBOARD_WS_UPGRADE_QUEUE", "0");
    try (TestNode node = TestNode.start(settings)) {
      Map<Integer, Integer> outcomes = burst(node);
      assertThat(outcomes.getOrDefault(503, 0)).as("%s", outcomes).isPositive();
      assertThat(outcomes.getOrDefault(101, 0)).as("%s", outcomes).isPositive();
      assertThat(outcomes.keySet()).as("%s", outcomes).containsOnly(101, 503);
      // a socket opening alone afterwards is upgraded: nothing was left holding a turn
      Account bea = Accounts.signUp(node.http(), "after-burst-" + System.nanoTime());
      String room = Conversations.group(node.http(), bea);
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/ws/chat/" + room + "?token=" + bea.token())).await(10, TimeUnit.SECONDS);
      ws.close();
    }
  }
}
