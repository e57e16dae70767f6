package io.switchboard.gateway;

import io.switchboard.cluster.ClusterBroker;
import io.switchboard.domain.event.NotificationsStored;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.domain.event.UserEvents;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes committed notifications to their recipients' user topics, on the gateway verticle's event
 * loop, in bounded chunks: {@link #CHUNK} recipients per event-loop task (one local event for the
 * node's hubs, one pipelined publish per recipient's channel), the next chunk queued behind whatever
 * else the loop has to do. A send to every user is so spread over many short tasks instead of
 * stalling the loop; sends are pushed one after another, in the order they were committed.
 */
final class NotificationPush {

  static final int CHUNK = 500;

  private final Context context;
  private final ClusterBroker broker;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean scheduled;

  private static final class Pending {
    final NotificationsStored stored;
    final Frames.NotificationFrame frame;
    int next;

    Pending(NotificationsStored stored) {
      this.stored = stored;
      this.frame = Frames.NotificationFrame.of(stored.title(), stored.body(), stored.data(), stored.createdAt());
    }
  }

  NotificationPush(Context context, ClusterBroker broker) {
    this.context = context;
    this.broker = broker;
  }

  void stored(NotificationsStored stored) {
    if (stored.recipients().isEmpty()) {
      return;
    }
    queue.add(new Pending(stored));
    schedule();
  }

  private void schedule() {
    if (!scheduled && !queue.isEmpty()) {
      scheduled = true;
      context.runOnContext(v -> {
        scheduled = false;
        pushChunk();
        schedule();
      });
    }
  }

  private void pushChunk() {
    Pending p = queue.peek();
    if (p == null) {
      return;
    }
    List<NotificationsStored.Recipient> recipients = p.stored.recipients();
    int end = Math.min(recipients.size(), p.next + CHUNK);
    List<UserEvent> events = new ArrayList<>(end - p.next);
    for (int i = p.next; i < end; i++) {
      NotificationsStored.Recipient r = recipients.get(i);
      events.add(new UserEvent(r.userId(), r.id(), p.frame.frame(r.id())));
    }
    p.next = end;
    if (end == recipients.size()) {
      queue.poll();
    }
    broker.publishToUsers(new UserEvents(events, p.frame.head(), p.frame.tail()));
  }
}
