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
 * loop, in bounded chunks of {@link #CHUNK} recipients (one local event for the node's hubs, one
 * pipelined publish per chunk or per recipient's channel). Chunks run back to back for at most
 * {@link #SLICE_NANOS}; then the push waits for a timer, which lets the loop read its sockets first.
 * (A task queued with {@code runOnContext} would not: Netty runs every task queued while it runs
 * tasks, for up to a second, before it looks at I/O again, so a send to every user would hold back
 * every ping and frame of the loop's sockets until it was over.) Sends are pushed one after another,
 * in the order they were committed.
 */
final class NotificationPush {

  static final int CHUNK = 500;
  /** How long chunks run back to back before the loop's I/O gets a turn. */
  static final long SLICE_NANOS = 5_000_000;

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
      context.runOnContext(v -> slice());
    }
  }

  /** Chunks for one slice of the loop's time, then a timer (after the loop's next I/O) for the rest. */
  private void slice() {
    long until = System.nanoTime() + SLICE_NANOS;
    do {
      pushChunk();
    } while (!queue.isEmpty() && System.nanoTime() < until);
    if (queue.isEmpty()) {
      scheduled = false;
    } else {
      context.owner().setTimer(1, id -> slice());
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
