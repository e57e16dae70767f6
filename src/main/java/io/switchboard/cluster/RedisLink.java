package io.switchboard.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis pub/sub between nodes on one standalone Redis: a {@link RedisPublisher} publishes, one
 * dedicated connection subscribes.
 * When the subscriber connection is lost the link reports down, reconnects with capped exponential
 * backoff (100 ms doubling to 10 s, forever), restores every subscription and then tells
 * {@link #onReconnect} listeners so that they can fill what was missed from Postgres.
 *
 * <p>Publishes go out in order on one dedicated connection (pipelined), so that events of one
 * conversation usually arrive in seq order and receivers rarely need to read a gap from Postgres.
 * While that connection is down, publishes wait in a bounded queue and go out once it is back.
 * {@link RedisClusterLink} does the same on a Redis Cluster.
 *
 * <p>Everything runs on the event loop of the verticle that created the link; calls from other
 * event loops hop onto it, and the futures they get back complete on their own event loop.
 */
public final class RedisLink implements ClusterLink, RedisCommands {

  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 10_000;

  private final Vertx vertx;
  private final Context context;
  private final RedisPublisher publisher;
  private final Redis subscriberFactory;
  private final Set<String> channels = new HashSet<>();
  private BiConsumer<String, Buffer> handler = (c, p) -> { };
  private LongConsumer reconnected = since -> { };
  private RedisConnection subscriber;
  private volatile boolean up;
  private boolean stopped;
  private boolean everUp;
  /** When the subscriber connection was found lost, or first failed to connect (epoch millis); 0 while it is up. */
  private long downSince;
  private long backoff = MIN_BACKOFF_MS;

  public RedisLink(Vertx vertx, String url) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    // the URL carries everything: a password (redis://:pw@host:port, or user:pw@ for an ACL user) is sent with AUTH
    // on each connection, and rediss:// switches to TLS
    // pools are named for their meters (vertx_pool_*{pool_name}); Vert.x's default name is a random UUID
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(100_000).setPoolName("redis-publish");
    if (url.regionMatches(true, 0, "rediss:", 0, 7)) {
      // Vert.x checks the certificate chain but, unless told, not that it names the host of the URL
      options.getNetClientOptions().setHostnameVerificationAlgorithm("HTTPS");
    }
    this.publisher = new RedisPublisher(vertx, context, Redis.createClient(vertx, options), Command.PUBLISH, true, () -> backoff);
    this.subscriberFactory = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1).setPoolName("redis-subscribe"));
  }

  @Override
  public void onMessage(BiConsumer<String, Buffer> handler) {
    this.handler = handler;
  }

  @Override
  public void onReconnect(LongConsumer handler) {
    this.reconnected = handler;
  }

  @Override
  public Future<Void> start() {
    return connect();
  }

  private Future<Void> connect() {
    return subscriberFactory.connect().<Void>compose(conn -> {
      subscriber = conn;
      conn.handler(this::push);
      conn.exceptionHandler(e -> lost(conn, e.getMessage()));
      conn.endHandler(v -> lost(conn, "connection closed"));
      if (channels.isEmpty()) {
        return Future.succeededFuture();
      }
      Request subscribe = Request.cmd(Command.SUBSCRIBE);
      channels.forEach(subscribe::arg);
      return conn.send(subscribe).mapEmpty();
    }).onSuccess(v -> {
      // a node that could not reach Redis at start has missed what was announced meanwhile, too
      boolean again = everUp || downSince != 0;
      long wentDown = downSince;
      downSince = 0;
      up = true;
      everUp = true;
      backoff = MIN_BACKOFF_MS;
      log.atInfo().addKeyValue("channels", channels.size()).log(again ? "redis link restored" : "redis link up");
      if (again) {
        reconnected.accept(wentDown);
      }
    }).onFailure(e -> {
      if (downSince == 0) {
        downSince = System.currentTimeMillis();
      }
      retryLater(e.getMessage());
    });
  }

  private void lost(RedisConnection conn, String why) {
    if (conn != subscriber) {
      return;
    }
    subscriber = null;
    if (up) {
      up = false;
      downSince = System.currentTimeMillis();
      log.atWarn().addKeyValue("reason", why).log("redis link down");
    }
    conn.close();
    retryLater(why);
  }

  private void retryLater(String why) {
    if (stopped) {
      return;
    }
    up = false;
    long delay = backoff;
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    log.atDebug().addKeyValue("inMs", delay).addKeyValue("reason", why).log("redis reconnect scheduled");
    vertx.setTimer(delay, id -> {
      if (!stopped && subscriber == null) {
        connect();
      }
    });
  }

  private void push(Response r) {
    if ((r.type() == ResponseType.MULTI || r.type() == ResponseType.PUSH) && r.size() == 3 && "message".equals(r.get(0).toString())) {
      handler.accept(r.get(1).toString(), r.get(2).toBuffer());
    }
  }

  @Override
  public void publish(String channel, Buffer payload) {
    publisher.publish(channel, payload);
  }

  @Override
  public Future<Void> subscribe(String channel) {
    return onLink(() -> {
      if (!channels.add(channel) || subscriber == null) {
        return Future.succeededFuture();
      }
      return subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).mapEmpty();
    });
  }

  @Override
  public Future<Void> unsubscribe(String channel) {
    return onLink(() -> {
      if (!channels.remove(channel) || subscriber == null) {
        return Future.succeededFuture();
      }
      return subscriber.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel)).mapEmpty();
    });
  }

  @Override
  public Future<Response> send(Request request) {
    return publisher.send(request);
  }

  /** Runs {@code action} on the link's event loop; the answer completes on the caller's event loop. */
  private <T> Future<T> onLink(Supplier<Future<T>> action) {
    return RedisPublisher.onContext(context, action);
  }

  @Override
  public boolean up() {
    return up;
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public int publishQueue() {
    return publisher.queued();
  }

  @Override
  public Future<Void> stop() {
    // what is still queued (a stopping node's last changes) is sent before the connections close
    return onLink(() -> publisher.drain().transform(x -> close()));
  }

  private Future<Void> close() {
    stopped = true;
    up = false;
    RedisConnection conn = subscriber;
    subscriber = null;
    return Future.all(conn == null ? Future.succeededFuture() : conn.close(), publisher.close(), subscriberFactory.close()).mapEmpty();
  }
}
