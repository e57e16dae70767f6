package io.switchboard.gateway.session;

import io.switchboard.bus.Address;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.Topic;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.CloseCodes;
import io.switchboard.gateway.Gateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic's subscribers on one event loop (only that event loop touches it): one consumer of the
 * topic's local address, the node's broker subscription held through {@link Gateway#acquire} while
 * the channel lives, and the seq of the last ordered event dispatched, so that ordered events reach
 * the subscribers in seq order without duplicates even when they arrive out of order: a missing seq
 * is read from Postgres, where it is committed ({@link #fill}). Unordered events (seq 0) pass at once.
 *
 * @param <E> an event of the topic
 */
abstract class TopicChannel<E> {

  private static final Logger log = LoggerFactory.getLogger(TopicChannel.class);
  private static final long CATCH_UP_RETRY_MS = 1_000;

  final Topic topic;
  private final Vertx vertx;
  private final Gateway gateway;
  private final Set<Subscriber<E>> subscribers = new LinkedHashSet<>();
  private final ArrayDeque<E> waiting = new ArrayDeque<>();
  private final Promise<Void> ready = Promise.promise();
  private final MessageConsumer<E> consumer;
  private long last = -1;
  private boolean busy = true;
  private boolean acquired;
  /** The last subscriber left: a broker subscription that completes afterwards is given back at once. */
  private boolean left;
  private boolean catchUpPending;

  TopicChannel(Vertx vertx, Gateway gateway, Topic topic, Address<E, Void> address) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.topic = topic;
    this.consumer = Bus.subscribe(vertx, address, this::accept);
    // The seq is read after the consumer is registered: every later event arrives here.
    consumer.completion()
        .compose(v -> gateway.acquire(topic).onSuccess(x -> {
          if (left) {
            gateway.release(topic);
          } else {
            acquired = true;
          }
        }))
        .compose(v -> lastSeq())
        .onComplete(ar -> {
          if (ar.failed()) {
            log.atWarn().addKeyValue("topic", topic.kind() + ":" + topic.id()).setCause(ar.cause()).log("channel failed to start");
            ready.tryFail(ar.cause());
            return;
          }
          last = ar.result();
          busy = false;
          ready.tryComplete();
          drain();
        });
  }

  /** An ordered event's seq; 0 for an unordered one. */
  protected abstract long seq(E event);

  /** The seq of the topic's newest stored event. */
  protected abstract Future<Long> lastSeq();

  /**
   * Reads one page of the stored events in {@code (after, upTo]}, {@link #dispatch dispatches} those
   * that are to be seen, and answers the seq of the last one read; fails when there is none.
   */
  protected abstract Future<Long> fill(long after, long upTo);

  /**
   * Adds a subscriber: from now on it is offered every event of the topic. Answers the seq up to which
   * it must catch up from Postgres: every event up to it is stored, every later one is dispatched to it.
   */
  final Future<Long> join(Subscriber<E> subscriber) {
    subscribers.add(subscriber);
    return ready.future().map(v -> last);
  }

  /** Removes a subscriber; answers true when it was the last, and the channel is closed. */
  final boolean leave(Subscriber<E> subscriber) {
    if (subscribers.remove(subscriber) && subscribers.isEmpty()) {
      left = true;
      consumer.unregister();
      if (acquired) {
        gateway.release(topic);
      }
      return true;
    }
    return false;
  }

  final void accept(E event) {
    if (busy) {
      waiting.add(event);
      return;
    }
    long seq = seq(event);
    if (seq <= 0) {
      dispatch(event);
      return;
    }
    if (seq <= last) {
      return;
    }
    if (seq == last + 1) {
      last = seq;
      dispatch(event);
      return;
    }
    busy = true;
    waiting.addFirst(event);
    fillGap(seq - 1);
  }

  /** Dispatches every stored event above {@code last}; runs after whatever the channel is busy with. */
  final void catchUp() {
    if (busy) {
      catchUpPending = true;
      return;
    }
    busy = true;
    lastSeq().onComplete(ar -> {
      if (ar.failed() && ApiException.isUnavailable(ar.cause())) {
        // every channel of the node catches up at once after an outage: a full database queue is asked again later
        busy = false;
        drain();
        vertx.setTimer(CATCH_UP_RETRY_MS + ThreadLocalRandom.current().nextLong(CATCH_UP_RETRY_MS), id -> {
          if (!left) {
            catchUp();
          }
        });
      } else if (ar.failed()) {
        log.atWarn().addKeyValue("topic", topic.kind() + ":" + topic.id()).setCause(ar.cause()).log("cannot catch up; closing sockets");
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
    for (Subscriber<E> s : List.copyOf(subscribers)) {
      s.close(CloseCodes.INTERNAL_ERROR, "reconnect with since");
    }
  }

  private void fillGap(long upTo) {
    fill(last, upTo).onComplete(ar -> {
      if (ar.failed()) {
        log.atWarn().addKeyValue("topic", topic.kind() + ":" + topic.id()).setCause(ar.cause()).log("cannot read missing events; closing sockets");
        closeAll();
        return;
      }
      last = Math.max(last, ar.result());
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

  /** The current subscribers (a copy). */
  final List<Subscriber<E>> subscribers() {
    return List.copyOf(subscribers);
  }

  @SuppressWarnings("unchecked")
  protected final void dispatch(E event) {
    for (Object s : subscribers.toArray()) {
      ((Subscriber<E>) s).deliver(event);
    }
  }

  final Vertx vertx() {
    return vertx;
  }
}
