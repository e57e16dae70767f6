package io.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.gateway.CloseCodes;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two nodes behind the test's own balancing client ({@link BalancedClient}) are restarted one after
 * the other (a graceful stop, as on SIGTERM, then a start on the same port) while 50 sockets chat in
 * five conversations. No acknowledged message is lost or stored twice, every socket ends with its
 * conversation's whole sequence, and the sockets of a stopping node, told by the 1012 close reason to
 * wait a random delay, come back spread over that window rather than all at once.
 */
class RollingRestartTest {

  static final int SOCKETS = 50;
  static final int CONVERSATIONS = 5;
  static final long SEND_EVERY_MILLIS = 1_000;
  static final Duration SETTLE = Duration.ofSeconds(60);

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aRollingRestartLosesNothingAndSpreadsTheReconnects() throws Exception {
    int portA = freePort();
    int portB = freePort();
    Map<String, String> settings = new HashMap<>(Map.of(
        "SWITCHBOARD_REDIS_URL", TestRedis.url(), "SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix(),
        "SWITCHBOARD_HTTP_PORT", Integer.toString(portA),
        "SWITCHBOARD_RATE_BURST", "100000", "SWITCHBOARD_RATE_PER_SECOND", "100000"));
    TestNode[] nodes = {TestNode.start(settings), null};
    nodes[1] = TestNode.startPeer(nodes[0], Map.of("SWITCHBOARD_HTTP_PORT", Integer.toString(portB)));
    Vertx vertx = Vertx.vertx();
    List<BalancedClient> clients = new ArrayList<>();
    try {
      History.awaitReady(Duration.ofSeconds(20), nodes);
      Http http = nodes[0].http();
      String tag = Long.toString(System.nanoTime() % 1_000_000, 36);
      List<Account> users = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        users.add(Accounts.signUp(http, "roll" + tag + "u" + i));
      }
      int perConversation = SOCKETS / CONVERSATIONS;
      List<String> conversations = new ArrayList<>();
      for (int c = 0; c < CONVERSATIONS; c++) {
        List<Account> members = users.subList(c * perConversation, (c + 1) * perConversation);
        conversations.add(Conversations.group(http, members.get(0), members.subList(1, members.size()).toArray(Account[]::new)));
      }
      WebSocketClient ws = ChatClient.client(vertx);
      Context context = vertx.getOrCreateContext();
      for (int i = 0; i < SOCKETS; i++) {
        BalancedClient client = new BalancedClient(context, ws, List.of(portA, portB), conversations.get(i / perConversation),
            users.get(i).token(), "u" + i, SEND_EVERY_MILLIS);
        clients.add(client);
        client.start();
      }
      Wait.until(Duration.ofSeconds(30), "every socket open", () -> clients.stream().allMatch(BalancedClient::open));
      Wait.until(Duration.ofSeconds(30), "chat going on every socket", () -> clients.stream().allMatch(c -> c.acked().size() >= 2));

      List<List<BalancedClient.Closed>> restarts = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        int before = clients.stream().mapToInt(c -> c.closes().size()).sum();
        long stoppingAt = System.currentTimeMillis();
        Map<String, String> own = nodes[n].settings();
        TestNode stopping = nodes[n];
        nodes[n] = null;
        stopping.close();
        long stoppedAt = System.currentTimeMillis();
        nodes[n] = TestNode.startWith(own);
        History.awaitReady(Duration.ofSeconds(30), nodes);
        Wait.until(Duration.ofSeconds(30), "every socket open again", () -> clients.stream().allMatch(BalancedClient::open));
        List<BalancedClient.Closed> closed = clients.stream().flatMap(c -> c.closes().stream())
            .filter(c -> c.closedAtMillis() >= stoppingAt && c.closedAtMillis() <= stoppedAt + 1_000).toList();
        assertThat(clients.stream().mapToInt(c -> c.closes().size()).sum() - before).as("sockets closed by restart " + n)
            .isEqualTo(closed.size());
        restarts.add(closed);
        // chat goes on between the restarts
        Map<BalancedClient, Integer> acks = clients.stream().collect(Collectors.toMap(c -> c, c -> c.acked().size()));
        Wait.until(Duration.ofSeconds(30), "chat going on again", () -> clients.stream().allMatch(c -> c.acked().size() > acks.get(c)));
      }

      // each restart closed the sockets its node held with 1012 and a reason that advises a random delay
      for (List<BalancedClient.Closed> closed : restarts) {
        assertThat(closed).as("sockets the stopping node held").hasSizeGreaterThanOrEqualTo(5);
        for (BalancedClient.Closed c : closed) {
          assertThat(c.code()).isEqualTo(CloseCodes.SERVICE_RESTART);
          assertThat(c.reason()).isEqualTo(CloseCodes.SERVICE_RESTART_REASON).containsPattern(BalancedClient.SPREAD);
        }
        assertSpread(closed);
      }

      clients.forEach(BalancedClient::stopSending);
      Wait.until(SETTLE, "every send acknowledged", () -> clients.stream().allMatch(c -> c.pendingCount() == 0));
      Map<String, List<JsonObject>> histories = new TreeMap<>();
      for (String id : conversations) {
        histories.put(id, History.gapless(nodes[0], id, users.get(conversations.indexOf(id) * perConversation).token()));
      }
      for (BalancedClient c : clients) {
        long lastSeq = histories.get(c.conversationId()).size();
        Wait.until(SETTLE, "a socket caught up", () -> c.last() >= lastSeq);
      }
      for (BalancedClient c : clients) {
        List<JsonObject> history = histories.get(c.conversationId());
        assertThat(c.oddities()).as("gaps or duplicates on a socket").isEmpty();
        assertThat(c.seqs()).as("every socket ends with the whole sequence").containsExactlyElementsOf(History.range(1, history.size()));
        List<String> stored = history.stream().map(m -> m.getString("clientMsgId")).toList();
        assertThat(stored).as("acknowledged sends").containsAll(c.acked());
      }
      for (List<JsonObject> history : histories.values()) {
        assertThat(history.stream().map(m -> m.getString("clientMsgId")).toList()).as("each send stored once").doesNotHaveDuplicates();
      }
      long total = histories.values().stream().mapToLong(List::size).sum();
      long acked = clients.stream().mapToLong(c -> c.acked().size()).sum();
      assertThat(acked).isEqualTo(total);
    } finally {
      clients.forEach(BalancedClient::stop);
      vertx.close().await(10, TimeUnit.SECONDS);
      for (TestNode n : nodes) {
        if (n != null) {
          n.close();
        }
      }
    }
  }

  /** Reconnects spread over the advised window: not a storm of them within a few milliseconds. */
  static void assertSpread(List<BalancedClient.Closed> closed) {
    List<Long> at = closed.stream().map(BalancedClient.Closed::reconnectAtMillis).sorted().toList();
    long range = at.get(at.size() - 1) - at.get(0);
    assertThat(range).as("reconnects of one restart spread over the window (ms)").isGreaterThanOrEqualTo(CloseCodes.RESTART_SPREAD_MILLIS / 4);
    for (BalancedClient.Closed c : closed) {
      assertThat(c.reconnectAtMillis() - c.closedAtMillis()).isBetween(0L, (long) CloseCodes.RESTART_SPREAD_MILLIS);
    }
    // no 100 ms holds more than half of them
    Map<Long, Long> perSlot = at.stream().collect(Collectors.groupingBy(t -> t / 100, Collectors.counting()));
    assertThat(perSlot.values().stream().mapToLong(Long::longValue).max().orElse(0)).isLessThanOrEqualTo(Math.max(2, at.size() / 2));
  }
}
