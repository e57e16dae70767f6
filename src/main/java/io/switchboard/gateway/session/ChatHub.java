package io.switchboard.gateway.session;

import io.micrometer.core.instrument.Counter;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.Topic;
import io.switchboard.domain.Message;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.ConversationEvent.Type;
import io.switchboard.domain.event.ParticipantsReloaded;
import io.switchboard.gateway.Frames;
import io.switchboard.gateway.Gateway;
import io.switchboard.persistence.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The conversation sockets of one event loop. Only that event loop touches it. Each conversation
 * with local sockets has one {@link Channel} ({@link TopicChannel}): one consumer of the conversation's
 * topic (other nodes' messages, every other event; this node's messages arrive in batches on
 * {@link Addresses#LOCAL_MESSAGES}, one consumer per hub), and the seq of the last message
 * dispatched, so that messages reach the sockets in seq order without duplicates.
 */
public final class ChatHub {

  private static final int GAP_PAGE = 500;

  private final Vertx vertx;
  private final Sessions sessions;
  private final Map<String, Channel> channels = new HashMap<>();
  private final Counter delivered;

  public ChatHub(Sessions sessions) {
    this.vertx = sessions.vertx();
    this.sessions = sessions;
    this.delivered = sessions.gateway().meters().messagesDelivered();
    Bus.subscribe(vertx, Addresses.LINK_RESTORED, e -> catchUp());
    Bus.subscribe(vertx, Addresses.LOCAL_MESSAGES, this::localMessages);
    Bus.subscribe(vertx, Addresses.PARTICIPANTS_RELOADED, this::participantsReloaded);
  }

  Sessions sessions() {
    return sessions;
  }

  Gateway gateway() {
    return sessions.gateway();
  }

  Vertx vertx() {
    return vertx;
  }

  /** Message frames written to this node's conversation sockets ({@code switchboard_messages_delivered_total}). */
  Counter delivered() {
    return delivered;
  }

  /**
   * Registers a socket; from now on it receives (buffers) every event dispatched for its conversation.
   * Answers the seq up to which the socket must catch up from Postgres.
   */
  Future<Long> join(ChatSocket socket) {
    return channels.computeIfAbsent(socket.conversationId(), Channel::new).join(socket);
  }

  void leave(ChatSocket socket) {
    Channel channel = channels.get(socket.conversationId());
    if (channel != null && channel.leave(socket)) {
      channels.remove(socket.conversationId());
    }
  }

  /**
   * Events published while the cluster link was down are lost; every conversation this hub holds
   * reads from Postgres what it has not dispatched yet, so that no socket misses a stored message.
   */
  public void catchUp() {
    channels.values().forEach(Channel::catchUp);
  }

  /**
   * After an outage of the cluster link: a socket opened by a participant whose user no longer takes
   * part gets the removal it missed, through its channel like a live {@link Type#REMOVED} event.
   */
  private void participantsReloaded(ParticipantsReloaded reloaded) {
    reloaded.participants().forEach((conversationId, participants) -> {
      Channel channel = channels.get(conversationId);
      if (channel == null) {
        return;
      }
      Set<String> gone = new LinkedHashSet<>();
      for (Subscriber<ConversationEvent> s : channel.subscribers()) {
        if (s instanceof ChatSocket socket && socket.participant() && !participants.contains(socket.userId())) {
          gone.add(socket.userId());
        }
      }
      gone.forEach(userId -> channel.accept(new ConversationEvent(conversationId, Type.REMOVED, 0, userId, null)));
    });
  }

  /**
   * This node's committed messages, one event per group commit: each to its conversation's channel, if
   * held here. The fan-out latency is taken once per batch and counted once per message this hub
   * dispatched, not per socket.
   */
  private void localMessages(ConversationEvents batch) {
    int dispatched = 0;
    for (ConversationEvent event : batch.events()) {
      Channel channel = channels.get(event.conversationId());
      if (channel != null) {
        channel.accept(event);
        dispatched++;
      }
    }
    if (dispatched > 0) {
      sessions.gateway().meters().fannedOut(dispatched, System.nanoTime() - batch.committedNanos());
    }
  }

  private final class Channel extends TopicChannel<ConversationEvent> {

    Channel(String id) {
      super(vertx, sessions.gateway(), Topic.conversation(id), Addresses.conversationTopic(id));
    }

    @Override
    protected long seq(ConversationEvent event) {
      return event.type() == Type.MESSAGE ? event.seq() : 0;
    }

    @Override
    protected Future<Long> lastSeq() {
      return Bus.request(vertx, Addresses.CONVERSATION_LAST_SEQ, topic.id());
    }

    @Override
    protected Future<Long> fill(long after, long upTo) {
      String id = topic.id();
      return Bus.request(vertx, Addresses.MESSAGE_RANGE, new MessageStore.Range(id, after, upTo, GAP_PAGE, false)).compose(page -> {
        if (page.isEmpty()) {
          return Future.failedFuture("no stored messages above " + after);
        }
        long last = after;
        for (Message m : page) {
          if (m.seq() > last) {
            last = m.seq();
            if (m.visible()) {
              dispatch(new ConversationEvent(id, Type.MESSAGE, m.seq(), m.senderId(), Frames.message(m)));
            }
          }
        }
        return Future.succeededFuture(last);
      });
    }
  }
}
