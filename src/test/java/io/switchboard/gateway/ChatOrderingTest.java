package io.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4 guarantees under load: 5 senders × 100 messages at once, over sockets and HTTP mixed. Every
 * socket sees seq 1..500 exactly once and in order, a socket opened with {@code since} in the middle
 * of the burst sees no gap or duplicate at the seam, and history agrees.
 */
class ChatOrderingTest {

  static final int SENDERS = 5;
  static final int PER_SENDER = 100;
  static final int TOTAL = SENDERS * PER_SENDER;

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "100000", "SWITCHBOARD_RATE_PER_SECOND", "100000",
        "SWITCHBOARD_WS_FRAME_BURST", "100000", "SWITCHBOARD_WS_FRAMES_PER_SECOND", "100000",
        "SWITCHBOARD_HTTP_INSTANCES", "4"));
    http = node.http();
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  @Test
  void concurrentSendersAreSeenInSeqOrderEverywhere() throws Exception {
    List<Account> users = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      users.add(Accounts.signUp(http, "sender" + i));
    }
    JsonArray others = new JsonArray();
    users.subList(1, SENDERS).forEach(u -> others.add(u.id()));
    String id = http.post("/api/conversations", new JsonObject().put("kind", "group").put("participants", others),
        users.get(0).token()).json().getString("id");

    List<ChatClient> observers = new ArrayList<>();
    for (Account u : users) {
      observers.add(ChatClient.connect(client, node.port(), id, u.token(), null));
      observers.add(ChatClient.connect(client, node.port(), id, u.token(), null));
    }
    for (ChatClient o : observers) {
      assertThat(o.next("welcome").getLong("lastSeq")).isZero();
    }
    List<ChatClient> socketSenders = List.of(observers.get(0), observers.get(2), observers.get(4));

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> httpSends = new ArrayList<>();
    try {
      for (int s = 0; s < socketSenders.size(); s++) {
        ChatClient sender = socketSenders.get(s);
        for (int i = 0; i < PER_SENDER; i++) {
          sender.send(new JsonObject().put("type", "send").put("text", "s" + s + "-" + i).put("clientMsgId", "s" + s + "-" + i));
        }
      }
      for (Account u : users.subList(3, SENDERS)) {
        for (int lane = 0; lane < 4; lane++) {
          int first = lane;
          httpSends.add(pool.submit(() -> {
            for (int i = first; i < PER_SENDER; i += 4) {
              Http.Response r = http.post("/api/conversations/" + id + "/messages",
                  new JsonObject().put("text", u.username() + "-" + i).put("clientMsgId", u.username() + "-" + i), u.token());
              assertThat(r.status()).as(r.toString()).isEqualTo(201);
            }
          }));
        }
      }

      // a socket opened mid-burst with since: no gap, no duplicate at the seam
      ChatClient watcher = observers.get(1);
      List<Long> watched = watcher.messageSeqs(150);
      long since = watched.get(watched.size() - 1) - 40;
      ChatClient late = ChatClient.connect(client, node.port(), id, users.get(1).token(), since);
      long lateBase = late.next("welcome").getLong("lastSeq");
      assertThat(lateBase).isGreaterThanOrEqualTo(since);
      List<Long> lateSeqs = late.messageSeqs((int) (TOTAL - since));
      assertThat(lateSeqs).containsExactlyElementsOf(LongStream.rangeClosed(since + 1, TOTAL).boxed().toList());

      for (Future<?> f : httpSends) {
        f.get(60, TimeUnit.SECONDS);
      }
      for (ChatClient sender : socketSenders) {
        Set<Long> acked = new HashSet<>();
        for (int i = 0; i < PER_SENDER; i++) {
          acked.add(sender.next("ack").getLong("seq"));
        }
        assertThat(acked).hasSize(PER_SENDER);
      }

      List<Long> expected = LongStream.rangeClosed(1, TOTAL).boxed().toList();
      List<Long> rest = watcher.messageSeqs(TOTAL - 150);
      List<Long> all = new ArrayList<>(watched);
      all.addAll(rest);
      assertThat(all).containsExactlyElementsOf(expected);
      for (ChatClient o : observers) {
        if (o != watcher) {
          assertThat(o.messageSeqs(TOTAL)).containsExactlyElementsOf(expected);
        }
      }
      for (ChatClient o : observers) {
        o.sendRaw(new JsonObject().put("type", "ping").encode());
        assertThat(o.next(f -> "message".equals(f.getString("type")) || "pong".equals(f.getString("type")), "pong").getString("type"))
            .as("no message after the 500th").isEqualTo("pong");
      }
      late.close();

      List<Long> history = new ArrayList<>();
      long after = 0;
      boolean more = true;
      while (more) {
        JsonObject page = http.get("/api/conversations/" + id + "/messages?after=" + after + "&limit=200", users.get(0).token()).json();
        for (Object o : page.getJsonArray("items")) {
          JsonObject m = (JsonObject) o;
          assertThat(m.getString("state")).isEqualTo("visible");
          history.add(m.getLong("seq"));
        }
        after = history.get(history.size() - 1);
        more = page.getBoolean("hasMore");
      }
      assertThat(history).containsExactlyElementsOf(expected);
      assertThat(http.get("/api/conversations/" + id, users.get(0).token()).json().getLong("lastSeq")).isEqualTo(TOTAL);
    } finally {
      pool.shutdownNow();
      observers.forEach(ChatClient::close);
    }
  }
}
