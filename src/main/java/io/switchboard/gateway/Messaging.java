package io.switchboard.gateway;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.ClusterBroker;
import io.switchboard.domain.Message;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvent.Type;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.StoredMessages;
import io.switchboard.error.ApiException;
import io.switchboard.ops.Meters;
import io.micrometer.core.instrument.Counter;
import io.switchboard.persistence.store.ConversationStore;
import io.switchboard.persistence.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The message operations shared by the HTTP API and the sockets: each is committed through the
 * persistence verticle first, then announced once to the conversation through the broker (new
 * messages in commit order, through {@link Addresses#MESSAGES_STORED}).
 */
public final class Messaging {

  public static final int MAX_TEXT = 4000;

  private final Vertx vertx;
  private final ClusterBroker broker;
  private final RateLimiter limiter;
  private final RateLimiter typing;
  private final int recallWindowSeconds;
  private final Counter stored;
  private final Counter refused;

  Messaging(Vertx vertx, ClusterBroker broker, RateLimiter limiter, int typingIntervalSeconds, int recallWindowSeconds, Meters meters) {
    this.vertx = vertx;
    this.stored = meters.messagesStored();
    this.refused = meters.rateLimited(Meters.Refused.MESSAGE);
    this.broker = broker;
    this.limiter = limiter;
    // one token, refilled once per interval (0 = every typing frame is relayed)
    this.typing = new RateLimiter(1, typingIntervalSeconds == 0 ? 1e9 : 1.0 / typingIntervalSeconds);
    this.recallWindowSeconds = recallWindowSeconds;
  }

  public int recallWindowSeconds() {
    return recallWindowSeconds;
  }

  /**
   * Stores a text message (rate limit here, then slow mode and membership in the transaction). The
   * persistence verticle announces it once committed ({@link #stored}).
   */
  public Future<MessageStore.Sent> send(String userId, String conversationId, String text, String clientMsgId) {
    if (text == null || text.isBlank()) {
      return Future.failedFuture(ApiException.validation("text", "must not be empty"));
    }
    if (text.length() > MAX_TEXT) {
      return Future.failedFuture(new ApiException(400, ErrorCodes.TOO_LONG, "text is longer than " + MAX_TEXT + " characters"));
    }
    if (text.indexOf('\0') >= 0) {
      return Future.failedFuture(ApiException.validation("text", "must not contain NUL characters"));
    }
    if (clientMsgId != null && clientMsgId.indexOf('\0') >= 0) {
      return Future.failedFuture(ApiException.validation("clientMsgId", "must not contain NUL characters"));
    }
    long wait = limiter.take(userId, conversationId, System.nanoTime());
    if (wait > 0) {
      refused.increment();
      return Future.failedFuture(ApiException.rateLimited(wait));
    }
    return store(new MessageStore.Send(conversationId, userId, text, clientMsgId, null));
  }

  /** The conversation's slow mode is checked in the storing transaction: its refusals count here too. */
  private Future<MessageStore.Sent> store(MessageStore.Send send) {
    return Bus.request(vertx, Addresses.MESSAGE_SEND, send).onFailure(e -> {
      if (e instanceof ApiException api && api.status() == 429) {
        refused.increment();
      }
    });
  }

  /**
   * A picture's message is checked and counted against the sender's rate limit before the picture is
   * decoded ({@code caption} optional, as a text message's text); answers the check's outcome.
   */
  public Future<Void> admitPicture(String userId, String conversationId, String caption, String clientMsgId) {
    if (caption != null && caption.length() > MAX_TEXT) {
      return Future.failedFuture(new ApiException(400, ErrorCodes.TOO_LONG, "caption is longer than " + MAX_TEXT + " characters"));
    }
    if (caption != null && caption.indexOf('\0') >= 0 || clientMsgId != null && clientMsgId.indexOf('\0') >= 0) {
      return Future.failedFuture(ApiException.validation(caption != null && caption.indexOf('\0') >= 0 ? "caption" : "clientMsgId",
          "must not contain NUL characters"));
    }
    long wait = limiter.take(userId, conversationId, System.nanoTime());
    if (wait > 0) {
      refused.increment();
      return Future.failedFuture(ApiException.rateLimited(wait));
    }
    return Future.succeededFuture();
  }

  /** Stores the message of an admitted picture ({@link #admitPicture}), its media already stored. */
  public Future<MessageStore.Sent> sendPicture(String userId, String conversationId, String caption, String clientMsgId, String mediaId) {
    String text = caption == null || caption.isBlank() ? null : caption;
    return store(new MessageStore.Send(conversationId, userId, text, clientMsgId, mediaId));
  }

  /**
   * Committed messages ({@link Addresses#MESSAGES_STORED}, in commit order): each frame encoded once,
   * announced to the conversations on this node and the others.
   */
  void stored(StoredMessages batch) {
    List<ConversationEvent> events = new ArrayList<>(batch.messages().size());
    for (Message m : batch.messages()) {
      events.add(new ConversationEvent(m.conversationId(), Type.MESSAGE, m.seq(), m.senderId(), Frames.message(m)));
    }
    stored.increment(events.size());
    broker.publishMessages(new ConversationEvents(events, batch.committedNanos()));
  }

  public Future<Message> recall(String userId, String conversationId, long seq) {
    return Bus.request(vertx, Addresses.MESSAGE_RECALL, new MessageStore.Recall(conversationId, seq, userId, recallWindowSeconds))
        .onSuccess(m -> broker.publish(conversationId, new ConversationEvent(conversationId, Type.RECALLED, 0, userId, Frames.recalled(seq))));
  }

  public Future<Message> delete(String userId, String conversationId, long seq, boolean moderator) {
    return Bus.request(vertx, Addresses.MESSAGE_DELETE, new MessageStore.Delete(conversationId, seq, userId, moderator))
        .onSuccess(m -> broker.publish(conversationId, new ConversationEvent(conversationId, Type.DELETED, 0, userId, Frames.deleted(seq))));
  }

  /** Moves the caller's read marker; announced only when it moved (a repeated read costs no broadcast). */
  public Future<Long> markRead(String userId, String conversationId, long seq) {
    return Bus.request(vertx, Addresses.CONVERSATION_MARK_READ, new ConversationStore.MarkRead(conversationId, userId, seq))
        .onSuccess(marker -> {
          if (marker.moved()) {
            broker.publish(conversationId, new ConversationEvent(conversationId, Type.READ, 0, userId, Frames.read(userId, marker.seq())));
          }
        })
        .map(ConversationStore.ReadMarker::seq);
  }

  /** Relays a participant's typing, at most once per {@code ws.typingIntervalSeconds} per user and conversation on this node. */
  public void typing(String userId, String conversationId) {
    if (typing.take(userId, conversationId, System.nanoTime()) == 0) {
      broker.publish(conversationId, new ConversationEvent(conversationId, Type.TYPING, 0, userId, Frames.typing(userId)));
    }
  }

  public void presence(String userId, String conversationId, boolean online) {
    broker.publish(conversationId, new ConversationEvent(conversationId, Type.PRESENCE, 0, userId, Frames.presence(userId, online)));
  }

  /** A participant was removed or left: their sockets of the conversation close. */
  public void removed(String userId, String conversationId) {
    broker.publish(conversationId, new ConversationEvent(conversationId, Type.REMOVED, 0, userId, null));
  }
}
