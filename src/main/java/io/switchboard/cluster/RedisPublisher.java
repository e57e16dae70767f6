package io.switchboard.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishing half of a Redis link ({@link RedisLink}, {@link RedisClusterLink}): publishes go out
 * in order on one connection of {@code client}, pipelined (the publishes made in one event-loop task,
 * such as one group commit's messages, go out in one write). While that connection is down they wait
 * in a bounded queue and go out once it is back; those that failed in flight go first, in their order.
 * The client also runs single commands (presence) from its pool. Runs on the link's event loop.
 */
final class RedisPublisher {

  private static final Logger log = LoggerFactory.getLogger(RedisPublisher.class);
  private static final long MIN_DELAY_MS = 100;
  /** Publishes kept while the publish connection is down; older ones are dropped past this. */
  private static final int MAX_PENDING = 10_000;
  /** How long a stopping link waits for its last publishes to be written. */
  private static final long LAST_PUBLISHES_MS = 2_000;

  private final Vertx vertx;
  private final Context context;
  private final Redis client;
  private final Command command;
  private final boolean oneBatch;
  private final LongSupplier retryDelay;
  private final ArrayDeque<Request> pending = new ArrayDeque<>();
  // Sends that failed in flight, in the order they were sent; they go out again before anything newer.
  private final ArrayDeque<Request> retry = new ArrayDeque<>();
  private RedisConnection publishing;
  private boolean connecting;
  private boolean flushScheduled;
  private boolean stopped;
  private long droppedPublishes;
  /** pending + retry, for the meter (read on the scraping thread). */
  private volatile int queued;

  /**
   * @param command  {@code PUBLISH}, or {@code SPUBLISH} on a cluster
   * @param oneBatch whether the queued publishes may be sent as one batch (one server); on a cluster
   *                 they are sent one by one, pipelined, each to the master of its channel's slot
   * @param retryDelay how long to wait before trying a failed connection again
   */
  RedisPublisher(Vertx vertx, Context context, Redis client, Command command, boolean oneBatch, LongSupplier retryDelay) {
    this.vertx = vertx;
    this.context = context;
    this.client = client;
    this.command = command;
    this.oneBatch = oneBatch;
    this.retryDelay = retryDelay;
  }

  void publish(String channel, Buffer payload) {
    Request request = Request.cmd(command).arg(channel).arg(payload);
    if (Vertx.currentContext() == context) {
      enqueue(request);
    } else {
      context.runOnContext(v -> enqueue(request));
    }
  }

  /** Runs a command on the pooled client (presence keys and the like). */
  Future<Response> send(Request request) {
    return onContext(context, () -> client.send(request));
  }

  int queued() {
    return queued;
  }

  private void enqueue(Request request) {
    if (stopped) {
      return;
    }
    pending.add(request);
    if (pending.size() > MAX_PENDING) {
      pending.poll();
      if (droppedPublishes++ % 1000 == 0) {
        log.atWarn().addKeyValue("dropped", droppedPublishes).log("redis publish queue full; oldest publishes dropped");
      }
    }
    queued = pending.size() + retry.size();
    // the publishes of one event-loop task (a group commit's messages) go out in one write
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  private void flush() {
    if (publishing == null) {
      connect();
      return;
    }
    RedisConnection conn = publishing;
    List<Request> batch = new ArrayList<>(retry.size() + pending.size());
    batch.addAll(retry);
    batch.addAll(pending);
    retry.clear();
    pending.clear();
    queued = 0;
    if (batch.isEmpty()) {
      return;
    }
    sendAll(conn, batch).onSuccess(failed -> {
      if (!failed.isEmpty()) {
        // not known to have reached Redis: send them again once a connection is back (receivers drop duplicates)
        retry.addAll(failed);
        queued = pending.size() + retry.size();
        drop(conn, "publish failed");
      }
    });
  }

  /** Sends the batch; answers the requests that failed, in their order. */
  private Future<List<Request>> sendAll(RedisConnection conn, List<Request> batch) {
    if (oneBatch || batch.size() == 1) {
      Future<?> sent = batch.size() == 1 ? conn.send(batch.get(0)) : conn.batch(batch);
      return sent.<List<Request>>map(r -> List.of()).otherwise(batch);
    }
    List<Future<Response>> sent = new ArrayList<>(batch.size());
    for (Request r : batch) {
      sent.add(conn.send(r));
    }
    return Future.join(sent).<List<Request>>map(r -> List.of()).otherwise(e -> {
      List<Request> failed = new ArrayList<>();
      for (int i = 0; i < sent.size(); i++) {
        if (sent.get(i).failed()) {
          failed.add(batch.get(i));
        }
      }
      return failed;
    });
  }

  private void connect() {
    if (connecting || stopped) {
      return;
    }
    connecting = true;
    client.connect().onComplete(ar -> {
      connecting = false;
      if (ar.failed()) {
        log.atDebug().addKeyValue("error", ar.cause().getMessage()).log("redis publish connection failed");
        vertx.setTimer(Math.max(MIN_DELAY_MS, retryDelay.getAsLong()), id -> {
          if (hasWork()) {
            flush();
          }
        });
        return;
      }
      RedisConnection conn = ar.result();
      if (stopped) {
        conn.close();
        return;
      }
      publishing = conn;
      conn.exceptionHandler(e -> drop(conn, e.getMessage()));
      conn.endHandler(v -> drop(conn, "connection closed"));
      flush();
    });
  }

  private void drop(RedisConnection conn, String why) {
    if (publishing != conn) {
      return;
    }
    publishing = null;
    log.atDebug().addKeyValue("reason", why).log("redis publish connection lost");
    conn.close();
    if (hasWork()) {
      vertx.setTimer(MIN_DELAY_MS, id -> flush());
    }
  }

  private boolean hasWork() {
    return !pending.isEmpty() || !retry.isEmpty();
  }

  /** What is still queued (a stopping node's last changes) is sent, for at most two seconds; on the link's event loop. */
  Future<Void> drain() {
    if (publishing == null || !hasWork()) {
      return Future.succeededFuture();
    }
    List<Request> batch = new ArrayList<>(retry);
    batch.addAll(pending);
    return sendAll(publishing, batch).timeout(LAST_PUBLISHES_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** Stops publishing and closes the connection and the client; on the link's event loop. */
  Future<Void> close() {
    stopped = true;
    RedisConnection pub = publishing;
    publishing = null;
    pending.clear();
    retry.clear();
    queued = 0;
    return Future.all(pub == null ? Future.succeededFuture() : pub.close(), client.close()).mapEmpty();
  }

  /** Runs {@code action} on {@code context}; the answer completes on the caller's event loop. */
  static <T> Future<T> onContext(Context context, Supplier<Future<T>> action) {
    Context caller = Vertx.currentContext();
    if (caller == context) {
      return action.get();
    }
    Promise<T> answer = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(ar -> {
      if (caller == null) {
        answer.handle(ar);
      } else {
        caller.runOnContext(x -> answer.handle(ar));
      }
    }));
    return answer.future();
  }
}
