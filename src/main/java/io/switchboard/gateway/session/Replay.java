package io.switchboard.gateway.session;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Replay then live, for one socket or stream: live events are buffered from the moment it joined its
 * topic while the stored ones above the client's cursor are read and written page by page; then the
 * buffer is flushed, skipping every seq already sent, and the socket goes live. Ordered events carry a
 * seq above 0 and are never written twice; others (typing, presence) pass as they come. Used by
 * conversation sockets (messages by seq) and by notification sockets and streams (notifications by id).
 *
 * @param <E> a live event
 */
final class Replay<E> {

  /** Live events held while replaying; past it the socket is too far behind and should reconnect. */
  static final int MAX_BUFFERED = 10_000;
  private static final int PAGE = 200;

  /** Stored items of a range, ascending, at most {@code limit}. */
  interface Store<R> {
    Future<List<R>> range(long after, long upTo, int limit);
  }

  private final ToLongFunction<E> seqOf;
  private final Consumer<E> send;
  private List<E> buffered = new ArrayList<>();
  private long lastSent;

  /** {@code seqOf} answers an ordered event's seq (0 for unordered ones); {@code send} writes a live event. */
  Replay(ToLongFunction<E> seqOf, Consumer<E> send) {
    this.seqOf = seqOf;
    this.send = send;
  }

  /** A live event: held while replaying, else sent unless its seq was already. False when the hold overflowed. */
  boolean offer(E event) {
    if (buffered != null) {
      buffered.add(event);
      return buffered.size() <= MAX_BUFFERED;
    }
    sendLive(event);
    return true;
  }

  /**
   * Replays the stored items in {@code (since, base]} ({@code base}: every item up to it is stored and
   * every later one is offered live), then goes live. No {@code since}: live at once. A {@code since}
   * beyond {@code base}: {@code beyond} is told, and live at once.
   */
  <R> Future<Void> start(Long since, long base, Store<R> store, ToLongFunction<R> storedSeq, Consumer<R> write,
      Runnable beyond, BooleanSupplier closed) {
    lastSent = base;
    if (since == null) {
      return goLive();
    }
    if (since > base) {
      beyond.run();
      return goLive();
    }
    return replay(since, base, store, storedSeq, write, closed).compose(v -> goLive());
  }

  private <R> Future<Void> replay(long after, long upTo, Store<R> store, ToLongFunction<R> storedSeq, Consumer<R> write,
      BooleanSupplier closed) {
    if (after >= upTo || closed.getAsBoolean()) {
      return Future.succeededFuture();
    }
    return store.range(after, upTo, PAGE).compose(page -> {
      for (R item : page) {
        write.accept(item);
      }
      return page.size() < PAGE ? Future.succeededFuture()
          : replay(storedSeq.applyAsLong(page.get(page.size() - 1)), upTo, store, storedSeq, write, closed);
    });
  }

  private Future<Void> goLive() {
    List<E> pending = buffered;
    buffered = null;
    if (pending != null) {
      for (E e : pending) {
        sendLive(e);
      }
    }
    return Future.succeededFuture();
  }

  private void sendLive(E event) {
    long seq = seqOf.applyAsLong(event);
    if (seq > 0) {
      if (seq <= lastSent) {
        return;
      }
      lastSent = seq;
    }
    send.accept(event);
  }

  /** The socket closed: nothing more is held. */
  void stop() {
    buffered = null;
  }
}
