package io.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages that arrive together are stored together (one statement, one commit per batch). Seen from
 * outside: bursts over several conversations keep every conversation's seqs gap-free and every
 * sender's messages in the order sent; a bad message in a burst (a repeated clientMsgId, slow mode,
 * a NUL character) fails alone and takes nothing else with it.
 */
class GroupCommitTest {

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "100000", "SWITCHBOARD_RATE_PER_SECOND", "100000",
        "SWITCHBOARD_WS_FRAME_BURST", "100000", "SWITCHBOARD_WS_FRAMES_PER_SECOND", "100000"));
    http = node.http();
    vertx = Vertx.vertx();
    client = ChatClient.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  private static JsonObject send(String text, String clientMsgId) {
    JsonObject frame = new JsonObject().put("type", "send").put("text", text);
    return clientMsgId == null ? frame : frame.put("clientMsgId", clientMsgId);
  }

  @Test
  void burstsOverSeveralConversationsKeepSeqsGapFreeAndEachSendersOrder() {
    int conversations = 3;
    int perSender = 60;
    Account ann = Accounts.signUp(http, "burst-ann");
    Account bob = Accounts.signUp(http, "burst-bob");
    Account cat = Accounts.signUp(http, "burst-cat");
    List<String> ids = new ArrayList<>();
    List<ChatClient> watchers = new ArrayList<>();
    List<ChatClient> senders = new ArrayList<>();
    try {
      for (int c = 0; c < conversations; c++) {
        String id = Conversations.group(http, ann, bob, cat);
        ids.add(id);
        ChatClient watcher = ChatClient.connect(client, node.port(), id, cat.token(), null);
        watcher.next("welcome");
        watchers.add(watcher);
        for (Account a : List.of(ann, bob)) {
          ChatClient s = ChatClient.connect(client, node.port(), id, a.token(), null);
          s.next("welcome");
          senders.add(s);
        }
      }
      // every sender fires its whole burst without waiting: the batches mix conversations and senders
      for (int i = 0; i < perSender; i++) {
        for (int k = 0; k < senders.size(); k++) {
          senders.get(k).send(send("k" + k + "-" + i, null));
        }
      }
      for (ChatClient s : senders) {
        long previous = 0;
        for (int i = 0; i < perSender; i++) {
          long seq = s.next("ack").getLong("seq");
          assertThat(seq).as("acks of one socket come in the order sent").isGreaterThan(previous);
          previous = seq;
        }
      }
      for (int c = 0; c < conversations; c++) {
        Map<String, Integer> lastIndexBySender = new HashMap<>();
        List<Long> seqs = new ArrayList<>();
        for (int n = 0; n < 2 * perSender; n++) {
          JsonObject m = watchers.get(c).next("message").getJsonObject("message");
          seqs.add(m.getLong("seq"));
          String[] text = m.getString("text").split("-");
          int index = Integer.parseInt(text[1]);
          Integer before = lastIndexBySender.put(text[0], index);
          assertThat(index).as("sender %s's messages are stored in the order sent", text[0]).isEqualTo(before == null ? 0 : before + 1);
        }
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 2L * perSender).boxed().toList());
        assertThat(http.get("/api/conversations/" + ids.get(c) + "/messages?limit=200", cat.token()).json().getJsonArray("items"))
            .hasSize(2 * perSender);
      }
    } finally {
      watchers.forEach(ChatClient::close);
      senders.forEach(ChatClient::close);
    }
  }

  @Test
  void aBadMessageInABurstFailsAloneAndLosesNothingElse() {
    Account ann = Accounts.signUp(http, "bad-ann");
    Account bob = Accounts.signUp(http, "bad-bob");
    String id = Conversations.group(http, ann, bob);
    try (ChatClient a = ChatClient.connect(client, node.port(), id, ann.token(), null);
        ChatClient b = ChatClient.connect(client, node.port(), id, bob.token(), null)) {
      a.next("welcome");
      b.next("welcome");
      // the same clientMsgId twice in one burst, between good messages of two senders; the burst
      // queues behind "zero", so it goes out as one batch, which the repeated id makes fail as a whole
      a.send(send("zero", null));
      a.send(send("one", "dup-1"));
      b.send(send("bob one", null));
      a.send(send("one again", "dup-1"));
      b.send(send("bob two", null));
      a.send(send("two", "dup-2"));
      long zero = a.next("ack").getLong("seq");
      long first = a.next("ack").getLong("seq");
      assertThat(first).isGreaterThan(zero);
      long again = a.next("ack").getLong("seq");
      long two = a.next("ack").getLong("seq");
      assertThat(again).as("a repeated clientMsgId answers the stored message").isEqualTo(first);
      assertThat(two).isGreaterThan(first);
      assertThat(b.next("ack").getLong("seq")).isPositive();
      assertThat(b.next("ack").getLong("seq")).isPositive();

      JsonArray items = http.get("/api/conversations/" + id + "/messages", bob.token()).json().getJsonArray("items");
      List<String> texts = new ArrayList<>();
      List<Long> seqs = new ArrayList<>();
      items.forEach(o -> {
        texts.add(((JsonObject) o).getString("text"));
        seqs.add(((JsonObject) o).getLong("seq"));
      });
      assertThat(texts).containsExactlyInAnyOrder("zero", "one", "bob one", "bob two", "two");
      assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L);

      // a NUL character is refused with a clear error, over both surfaces, and nothing is stored
      Http.Response nul = http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "a\u0000b"), bob.token());
      assertThat(nul.status()).isEqualTo(400);
      b.send(send("c\u0000d", null));
      assertThat(b.next("error").getString("code")).isEqualTo("validation_failed");
      b.send(send("after", null));
      assertThat(b.next("ack").getLong("seq")).isEqualTo(6L);
    }
  }

  @Test
  void retriesOfStoredMessagesAmongNewOnesAnswerTheOriginalsAndTakeNoSeq() {
    Account ann = Accounts.signUp(http, "retry-ann");
    Account bob = Accounts.signUp(http, "retry-bob");
    String id = Conversations.group(http, ann, bob);
    String other = Conversations.group(http, ann, bob);
    try (ChatClient a = ChatClient.connect(client, node.port(), id, ann.token(), null);
        ChatClient o = ChatClient.connect(client, node.port(), other, ann.token(), null)) {
      a.next("welcome");
      o.next("welcome");
      a.send(send("kept", "retry-1"));
      long kept = a.next("ack").getLong("seq");
      // a burst: new messages around a retry of the stored one, and traffic in a second conversation in the same batches
      a.send(send("new one", "retry-2"));
      o.send(send("elsewhere", null));
      a.send(send("kept again", "retry-1"));
      a.send(send("new two", null));
      o.send(send("elsewhere too", "retry-1"));
      assertThat(a.next("ack").getLong("seq")).isEqualTo(kept + 1);
      assertThat(a.next("ack").getLong("seq")).as("the retry answers the original's seq").isEqualTo(kept);
      assertThat(a.next("ack").getLong("seq")).isEqualTo(kept + 2);
      assertThat(o.next("ack").getLong("seq")).isEqualTo(1L);
      assertThat(o.next("ack").getLong("seq")).as("a clientMsgId is per conversation").isEqualTo(2L);
    }
    JsonArray items = http.get("/api/conversations/" + id + "/messages", bob.token()).json().getJsonArray("items");
    List<String> texts = new ArrayList<>();
    items.forEach(x -> texts.add(((JsonObject) x).getString("text")));
    assertThat(texts).containsExactly("kept", "new one", "new two");
  }

  @Test
  void slowModeLetsOneMessageOfABurstThrough() {
    Account ann = Accounts.signUp(http, "slowburst-ann");
    Account bob = Accounts.signUp(http, "slowburst-bob");
    String id = Conversations.group(http, ann, bob);
    assertThat(http.patch("/api/conversations/" + id, new JsonObject().put("slowModeSeconds", 60), ann.token()).status()).isEqualTo(200);
    try (ChatClient b = ChatClient.connect(client, node.port(), id, bob.token(), null);
        ChatClient a = ChatClient.connect(client, node.port(), id, ann.token(), null)) {
      b.next("welcome");
      a.next("welcome");
      for (int i = 0; i < 5; i++) {
        b.send(send("b" + i, null));
        a.send(send("a" + i, null));
      }
      assertThat(b.next("ack").getLong("seq")).isPositive();
      assertThat(a.next("ack").getLong("seq")).isPositive();
      for (int i = 0; i < 4; i++) {
        assertThat(b.next("error").getString("code")).isEqualTo("rate_limited");
        assertThat(a.next("error").getString("code")).isEqualTo("rate_limited");
      }
      JsonArray items = http.get("/api/conversations/" + id + "/messages", bob.token()).json().getJsonArray("items");
      assertThat(items).hasSize(2);
    }
  }

  @Test
  void messagesRefusedBySlowModeInTheBatchOfTheAcceptedOneWaitAWholeInterval() throws Exception {
    Account ann = Accounts.signUp(http, "slowwait-ann");
    Account bob = Accounts.signUp(http, "slowwait-bob");
    String id = Conversations.group(http, ann, bob);
    assertThat(http.patch("/api/conversations/" + id, new JsonObject().put("slowModeSeconds", 2), ann.token()).status()).isEqualTo(200);
    assertThat(http.post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "earlier"), bob.token()).status())
        .isEqualTo(201);
    // the interval since bob's last message runs out: his next message goes through, the ones sent with it wait 2 s
    Thread.sleep(2_100);
    try (ChatClient a = ChatClient.connect(client, node.port(), id, ann.token(), null);
        ChatClient b = ChatClient.connect(client, node.port(), id, bob.token(), null)) {
      a.next("welcome");
      b.next("welcome");
      a.send(send("ann first", null));
      for (int i = 0; i < 4; i++) {
        b.send(send("b" + i, null));
      }
      assertThat(b.next("ack").getLong("seq")).isPositive();
      for (int i = 0; i < 3; i++) {
        JsonObject refused = b.next("error");
        assertThat(refused.getString("code")).isEqualTo("rate_limited");
        assertThat(refused.getString("message")).endsWith("retry in 2 s");
      }
    }
  }
}
