package io.switchboard.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/** What the fault tests read back through the API: a conversation's whole history, readiness. */
final class History {

  private History() {
  }

  /** Every message of a conversation in seq order, read page by page through the history API. */
  static List<JsonObject> all(TestNode node, String conversationId, String token) {
    List<JsonObject> out = new ArrayList<>();
    long after = 0;
    while (true) {
      Http.Response r = node.http().get("/api/conversations/" + conversationId + "/messages?after=" + after + "&limit=200", token);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      List<JsonObject> page = r.items().stream().map(o -> (JsonObject) o).toList();
      out.addAll(page);
      if (page.isEmpty() || !r.json().getBoolean("hasMore")) {
        return out;
      }
      after = page.get(page.size() - 1).getLong("seq");
    }
  }

  static List<Long> seqs(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getLong("seq")).toList();
  }

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  /** The history holds seqs 1 … n without a gap; answers it. */
  static List<JsonObject> gapless(TestNode node, String conversationId, String token) {
    List<JsonObject> messages = all(node, conversationId, token);
    assertThat(seqs(messages)).as("seqs of the whole history").containsExactlyElementsOf(range(1, messages.size()));
    return messages;
  }

  static int ready(TestNode node) {
    return node.http().get("/health/ready").status();
  }

  static void awaitReady(Duration timeout, TestNode... nodes) {
    Wait.until(timeout, "nodes ready", () -> {
      for (TestNode n : nodes) {
        if (ready(n) != 200) {
          return false;
        }
      }
      return true;
    });
  }
}
