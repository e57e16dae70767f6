package io.switchboard.gateway.session;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.Topic;
import io.switchboard.domain.Notification;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.domain.event.UserEvents;
import io.switchboard.gateway.Frames;
import io.switchboard.persistence.store.NotificationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The user topics of one event loop: one {@link TopicChannel} per user with sockets (or streams)
 * here, ordered by the user's notification id, so that notifications reach them in id order without
 * duplicates (a missing id is read from Postgres). The node is subscribed to a user's channel only
 * while it holds a socket of that user. This node's user events arrive in chunks on
 * {@link Addresses#LOCAL_USER_EVENTS}, other nodes' on the user's own topic.
 */
public final class UserHub {

  private static final int GAP_PAGE = 500;

  private final Vertx vertx;
  private final Sessions sessions;
  private final Map<String, Channel> channels = new HashMap<>();

  public UserHub(Sessions sessions) {
    this.vertx = sessions.vertx();
    this.sessions = sessions;
    Bus.subscribe(vertx, Addresses.LINK_RESTORED, e -> channels.values().forEach(Channel::catchUp));
    Bus.subscribe(vertx, Addresses.LOCAL_USER_EVENTS, this::localEvents);
  }

  Sessions sessions() {
    return sessions;
  }

  /** Registers a subscriber of the user's topic; answers the id up to which it catches up from Postgres. */
  Future<Long> join(String userId, Subscriber<UserEvent> subscriber) {
    return channels.computeIfAbsent(userId, Channel::new).join(subscriber);
  }

  void leave(String userId, Subscriber<UserEvent> subscriber) {
    Channel channel = channels.get(userId);
    if (channel != null && channel.leave(subscriber)) {
      channels.remove(userId);
    }
  }

  /** The user's notifications in {@code (after, upTo]}, ascending. */
  Future<List<Notification>> notifications(String userId, long after, long upTo, int limit) {
    return Bus.request(vertx, Addresses.NOTIFICATION_RANGE, new NotificationStore.Range(userId, after, upTo, limit));
  }

  private void localEvents(UserEvents chunk) {
    if (channels.isEmpty()) {
      return;
    }
    for (UserEvent event : chunk.events()) {
      Channel channel = channels.get(event.userId());
      if (channel != null) {
        channel.accept(event);
      }
    }
  }

  private final class Channel extends TopicChannel<UserEvent> {

    Channel(String userId) {
      super(vertx, sessions.gateway(), Topic.user(userId), Addresses.userTopic(userId));
    }

    @Override
    protected long seq(UserEvent event) {
      return event.seq();
    }

    @Override
    protected Future<Long> lastSeq() {
      return Bus.request(vertx, Addresses.NOTIFICATION_LAST_ID, topic.id());
    }

    @Override
    protected Future<Long> fill(long after, long upTo) {
      String userId = topic.id();
      return notifications(userId, after, upTo, GAP_PAGE).compose(page -> {
        if (page.isEmpty()) {
          return Future.failedFuture("no stored notifications above " + after);
        }
        for (Notification n : page) {
          dispatch(new UserEvent(userId, n.id(), Frames.notification(n)));
        }
        return Future.succeededFuture(page.get(page.size() - 1).id());
      });
    }
  }
}
