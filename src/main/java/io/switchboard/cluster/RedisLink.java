package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.HashSet;
import java.util.Set;

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
 * <p>What it shares with {@link RedisClusterLink} (publishing, listeners, backoff, stop) is in
 * {@link RedisLinkBase}.
 */
public final class RedisLink extends RedisLinkBase {

  private final Redis subscriberFactory;
  private final Set<String> channels = new HashSet<>();
  private RedisConnection subscriber;

  public RedisLink(Vertx vertx, String url) {
    // the URL carries everything: a password (redis://:pw@host:port, or user:pw@ for an ACL user) is sent with AUTH
    // on each connection, and rediss:// switches to TLS
    // pools are named for their meters (vertx_pool_*{pool_name}); Vert.x's default name is a random UUID
    this(vertx, url, publishOptions(url));
  }

  private RedisLink(Vertx vertx, String url, RedisOptions options) {
    super(vertx, options, Command.PUBLISH, true);
    this.subscriberFactory = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1).setPoolName("redis-subscribe"));
  }

  private static RedisOptions publishOptions(String url) {
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(100_000).setPoolName("redis-publish");
    tls(options, url);
    return options;
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
    }).onSuccess(v -> restored(log.atInfo().addKeyValue("channels", channels.size()))).onFailure(e -> {
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
    long delay = nextBackoff();
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
  protected Future<Void> close() {
    stopped = true;
    up = false;
    RedisConnection conn = subscriber;
    subscriber = null;
    return Future.all(conn == null ? Future.succeededFuture() : conn.close(), publisher.close(), subscriberFactory.close()).mapEmpty();
  }
}
