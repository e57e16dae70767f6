package io.switchboard.gateway.session;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Message;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.ConversationEvent.Type;
import io.switchboard.domain.event.SessionsRevoked;
import io.switchboard.gateway.CloseCodes;
import io.switchboard.gateway.Frames;
import io.switchboard.gateway.Gateway;
import io.switchboard.persistence.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversation sockets of one event loop. Only that event loop touches it. Each conversation
 * with local sockets has one {@link Channel}: one consumer of the conversation's topic (other nodes'
 * messages, every other event; this node's messages arrive in batches on
 * {@link Addresses#LOCAL_MESSAGES}, one consumer per hub), and the seq of
 * the last message dispatched, so that messages reach the sockets in seq order without duplicates
 * even when events arrive out of order (a missing seq is read from Postgres, where it is committed).
 */
public final class ChatHub {

  private static final Logger log = LoggerFactory.getLogger(ChatHub.class);
  private static final int GAP_PAGE = 500;

  private final Vertx vertx;
  private final Gateway gateway;
  private final Map<String, Channel> channels = new HashMap<>();
  private final Set<ChatSocket> sockets = new LinkedHashSet<>();

  public ChatHub(Vertx vertx, Gateway gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
    Bus.subscribe(vertx, Addresses.SESSIONS_REVOKED, this::revoked);
    Bus.subscribe(vertx, Addresses.LINK_RESTORED, e -> catchUp());
    Bus.subscribe(vertx, Addresses.LOCAL_MESSAGES, this::localMessages);
    long pingMillis = gateway.pingSeconds() * 1000L;
    vertx.setPeriodic(Math.max(500, pingMillis / 2), id -> checkIdle(pingMillis));
  }

  Gateway gateway() {
    return gateway;
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * Registers a socket; from now on it receives (buffers) every event dispatched for its conversation.
   * Answers the seq up to which the socket must catch up from Postgres: every message up to it is
   * committed, and every later one will be dispatched to the socket.
   */
  Future<Long> join(ChatSocket socket) {
    sockets.add(socket);
    Channel channel = channels.computeIfAbsent(socket.conversationId(), Channel::new);
    channel.sockets.add(socket);
    return channel.ready.future().map(v -> channel.last);
  }

  void leave(ChatSocket socket) {
    sockets.remove(socket);
    Channel channel = channels.get(socket.conversationId());
    if (channel != null && channel.sockets.remove(socket) && channel.sockets.isEmpty()) {
      channels.remove(channel.id);
      channel.consumer.unregister();
      if (channel.acquired) {
        gateway.release(channel.id);
      }
    }
  }

  /**
   * Events published while the cluster link was down are lost; every conversation this hub holds
   * reads from Postgres what it has not dispatched yet, so that no socket misses a stored message.
   */
  public void catchUp() {
    channels.values().forEach(Channel::catchUp);
  }

  /** This node's committed messages, one event per group commit: each to its conversation's channel, if held here. */
  private void localMessages(ConversationEvents batch) {
    for (ConversationEvent event : batch.events()) {
      Channel channel = channels.get(event.conversationId());
      if (channel != null) {
        channel.accept(event);
      }
    }
  }

  private void revoked(SessionsRevoked event) {
    for (ChatSocket s : List.copyOf(sockets)) {
      if (event.sessionIds().contains(s.sessionId())) {
        s.close(CloseCodes.SESSION_ENDED, "session ended");
      }
    }
  }

  private void checkIdle(long pingMillis) {
    long now = System.currentTimeMillis();
    for (ChatSocket s : List.copyOf(sockets)) {
      s.checkIdle(now, pingMillis);
    }
  }

  private final class Channel {
    final String id;
    final Set<ChatSocket> sockets = new LinkedHashSet<>();
    final ArrayDeque<ConversationEvent> waiting = new ArrayDeque<>();
    final Promise<Void> ready = Promise.promise();
    final MessageConsumer<ConversationEvent> consumer;
    long last = -1;
    boolean busy = true;
    boolean acquired;
    boolean catchUpPending;

    Channel(String id) {
      this.id = id;
      this.consumer = Bus.subscribe(vertx, Addresses.conversationTopic(id), this::accept);
      // The seq is read after the consumer is registered: every later message arrives as an event.
      consumer.completion()
          .compose(v -> gateway.acquire(id).onSuccess(x -> acquired = true))
          .compose(v -> Bus.request(vertx, Addresses.CONVERSATION_LAST_SEQ, id))
          .onComplete(ar -> {
            if (ar.failed()) {
              log.atWarn().addKeyValue("conversation", id).setCause(ar.cause()).log("conversation channel failed to start");
              ready.tryFail(ar.cause());
              return;
            }
            last = ar.result();
            busy = false;
            ready.tryComplete();
            drain();
          });
    }

    void accept(ConversationEvent event) {
      if (busy) {
        waiting.add(event);
        return;
      }
      if (event.type() != Type.MESSAGE) {
        dispatch(event);
        return;
      }
      if (event.seq() <= last) {
        return;
      }
      if (event.seq() == last + 1) {
        last = event.seq();
        dispatch(event);
        return;
      }
      busy = true;
      waiting.addFirst(event);
      fillGap(event.seq() - 1);
    }

    /** Dispatches every committed message above {@code last}; runs after whatever the channel is busy with. */
    void catchUp() {
      if (busy) {
        catchUpPending = true;
        return;
      }
      busy = true;
      Bus.request(vertx, Addresses.CONVERSATION_LAST_SEQ, id).onComplete(ar -> {
        if (ar.failed()) {
          log.atWarn().addKeyValue("conversation", id).setCause(ar.cause()).log("cannot catch up; closing sockets");
          closeAll();
        } else if (ar.result() > last) {
          fillGap(ar.result());
        } else {
          busy = false;
          drain();
        }
      });
    }

    private void closeAll() {
      for (ChatSocket s : List.copyOf(sockets)) {
        s.close(CloseCodes.INTERNAL_ERROR, "reconnect with since");
      }
    }

    private void fillGap(long upTo) {
      Bus.request(vertx, Addresses.MESSAGE_RANGE, new MessageStore.Range(id, last, upTo, GAP_PAGE, false)).onComplete(ar -> {
        if (ar.failed() || ar.result().isEmpty()) {
          log.atWarn().addKeyValue("conversation", id).setCause(ar.cause()).log("cannot read missing messages; closing sockets");
          closeAll();
          return;
        }
        for (Message m : ar.result()) {
          if (m.seq() > last) {
            last = m.seq();
            if (m.visible()) {
              dispatch(new ConversationEvent(id, Type.MESSAGE, m.seq(), m.senderId(), Frames.message(m)));
            }
          }
        }
        if (last < upTo) {
          fillGap(upTo);
        } else {
          busy = false;
          drain();
        }
      });
    }

    private void drain() {
      while (!busy && !waiting.isEmpty()) {
        accept(waiting.poll());
      }
      if (!busy && catchUpPending) {
        catchUpPending = false;
        catchUp();
      }
    }

    private void dispatch(ConversationEvent event) {
      for (ChatSocket s : sockets.toArray(ChatSocket[]::new)) {
        s.deliver(event);
      }
    }
  }
}
