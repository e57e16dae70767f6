package io.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.cluster.ClusterBroker;
import io.switchboard.cluster.Topic;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.NotificationsStored;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.domain.event.UserEvents;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A send to 100,000 recipients is pushed in bounded chunks, in slices of the loop's time with its
 * I/O and timers running in between, every recipient once with its own id in its frame, and two
 * sends one after the other.
 */
class NotificationPushTest {

  static final int USERS = 100_000;

  /** Records each chunk and, per chunk, how many other tasks of the loop ran since the previous chunk. */
  static final class Recording implements ClusterBroker {
    final List<List<UserEvent>> chunks = new ArrayList<>();
    final List<Integer> othersBetween = new ArrayList<>();
    int others;

    @Override
    public void publishToUsers(UserEvents chunk) {
      chunks.add(chunk.events());
      othersBetween.add(others);
      others = 0;
    }

    @Override
    public void publish(String conversationId, ConversationEvent event) {
    }

    @Override
    public void publishMessages(ConversationEvents messages) {
    }

    @Override
    public void broadcast(Broadcast event) {
    }

    @Override
    public Future<Void> subscribe(Topic topic) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> unsubscribe(Topic topic) {
      return Future.succeededFuture();
    }
  }

  static NotificationsStored sent(String title, int users) {
    List<NotificationsStored.Recipient> recipients = new ArrayList<>(users);
    for (int i = 0; i < users; i++) {
      recipients.add(new NotificationsStored.Recipient("user-" + i, i + 1));
    }
    return new NotificationsStored(title, "body", "{\"k\":1}", OffsetDateTime.now(), recipients);
  }

  @Test
  void aSendToEveryoneIsPushedInBoundedChunksWithTheLoopFreeInBetween() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      Recording broker = new Recording();
      CompletableFuture<Void> done = new CompletableFuture<>();
      int expectedChunks = 2 * USERS / NotificationPush.CHUNK;
      context.runOnContext(v -> {
        NotificationPush push = new NotificationPush(context, broker);
        push.stored(sent("first", USERS));
        push.stored(sent("second", USERS));
        // a timer of the loop, re-armed each time it fires: Netty runs timers only after an I/O pass, so a
        // tick between chunks shows the loop read its sockets in the middle of the push, not after it all
        ticker(context, broker, expectedChunks, done);
      });
      done.get(60, TimeUnit.SECONDS);

      assertThat(broker.chunks).hasSize(expectedChunks);
      assertThat(broker.chunks).allSatisfy(c -> assertThat(c).hasSize(NotificationPush.CHUNK));
      // the push ran in slices with the loop's I/O (and timers) in between, not as one long run of tasks
      long interrupted = broker.othersBetween.subList(1, broker.othersBetween.size()).stream().filter(n -> n > 0).count();
      assertThat(interrupted).as("chunks preceded by a timer tick").isGreaterThanOrEqualTo(3);
      List<UserEvent> all = broker.chunks.stream().flatMap(List::stream).toList();
      for (int i = 0; i < all.size(); i++) {
        UserEvent e = all.get(i);
        int user = i % USERS;
        assertThat(e.userId()).isEqualTo("user-" + user);
        assertThat(e.seq()).isEqualTo(user + 1);
        JsonObject frame = new JsonObject(e.frame());
        assertThat(frame.getString("type")).isEqualTo("notification");
        JsonObject n = frame.getJsonObject("notification");
        assertThat(n.getString("id")).isEqualTo(Long.toString(user + 1));
        assertThat(n.getString("title")).isEqualTo(i < USERS ? "first" : "second");
        assertThat(n.getJsonObject("data")).isEqualTo(new JsonObject().put("k", 1));
        assertThat(n.getBoolean("read")).isFalse();
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void ticker(Context context, Recording broker, int chunks, CompletableFuture<Void> done) {
    if (broker.chunks.size() >= chunks) {
      done.complete(null);
      return;
    }
    broker.others++;
    context.owner().setTimer(1, id -> ticker(context, broker, chunks, done));
  }
}
