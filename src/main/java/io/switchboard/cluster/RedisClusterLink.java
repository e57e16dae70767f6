package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The link on a Redis Cluster (7+), with sharded pub/sub: every channel is published with
 * {@code SPUBLISH} and heard with {@code SSUBSCRIBE}, so its traffic stays on the shard owning its
 * slot. Channels every node needs (node-wide events, everyone's frames, bulk user events) are sharded
 * channels too, which every node subscribes to: each lives on one shard and reaches every node.
 *
 * <p>Publishes and single commands go through vertx-redis-client's cluster client, which routes each
 * by its key's slot and follows {@code MOVED} redirections (a {@link RedisPublisher}: in order, pipelined,
 * queued while Redis is away). Subscriptions it cannot route (a subscribed connection takes no
 * redirection, and a new master would get no message handler), so the link holds one subscriber
 * connection per master itself, from the slot map of {@code CLUSTER SLOTS}, and subscribes each channel
 * on the master owning its slot.
 *
 * <p>The topology is read again whenever something says it changed: a subscriber connection lost (a
 * master died), a {@code sunsubscribe} the link did not ask for (the channel's slot moved, or its
 * master became a replica), an error answer (a redirection). Until every master of the new map is
 * connected and every channel subscribed again the link is down (readiness and
 * {@code switchboard_redis_link_up} say so); retries back off from 100 ms to 10 s, forever. Then
 * {@link #onReconnect} listeners read from Postgres what was missed meanwhile, as after an outage of a
 * standalone Redis. What it shares with {@link RedisLink} (publishing, listeners, backoff, stop) is
 * in {@link RedisLinkBase}.
 */
public final class RedisClusterLink extends RedisLinkBase {

  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private final List<String> seeds;
  private final RedisOptions nodeOptions;
  private final Set<String> channels = new HashSet<>();
  private final Map<String, Shard> shards = new HashMap<>();
  private SlotMap slots;
  private boolean refreshing;
  private boolean refreshAgain;
  private long refreshTimer = -1;

  public RedisClusterLink(Vertx vertx, List<String> seeds) {
    super(vertx, publishOptions(seeds), Command.SPUBLISH, false);
    this.seeds = List.copyOf(seeds);
    this.nodeOptions = new RedisOptions().setMaxPoolSize(1).setMaxWaitingHandlers(100_000).setPoolName("redis-subscribe");
    nodeOptions.getNetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS);
    tls(nodeOptions, seeds.get(0));
  }

  private static RedisOptions publishOptions(List<String> seeds) {
    // each URL carries its password and scheme (rediss:// is TLS); the masters found are reached with the first seed's
    RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(8).setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(100_000).setPoolName("redis-publish");
    seeds.forEach(options::addConnectionString);
    tls(options, seeds.get(0));
    return options;
  }

  /** One master's subscriber connection and the channels subscribed on it. */
  private final class Shard {
    final String endpoint;
    /** host:port, for the logs (the endpoint may carry a password). */
    final String address;
    final Redis client;
    final RedisConnection conn;
    final Set<String> subscribed = new HashSet<>();
    /** Our own unsubscribes not yet confirmed, per channel: their confirmations are no news. */
    final Map<String, Integer> leaving = new HashMap<>();

    Shard(String endpoint, Redis client, RedisConnection conn) {
      this.endpoint = endpoint;
      java.net.URI uri = java.net.URI.create(endpoint);
      this.address = uri.getHost() + ":" + uri.getPort();
      this.client = client;
      this.conn = conn;
    }

    Future<Void> subscribe(String channel) {
      subscribed.add(channel);
      return conn.send(Request.cmd(Command.SSUBSCRIBE).arg(channel)).mapEmpty();
    }

    Future<Void> unsubscribe(String channel) {
      subscribed.remove(channel);
      leaving.merge(channel, 1, Integer::sum);
      return conn.send(Request.cmd(Command.SUNSUBSCRIBE).arg(channel)).mapEmpty();
    }

    boolean current() {
      return shards.get(endpoint) == this;
    }

    void push(Response r) {
      if (r.type() == ResponseType.ERROR) {
        if (!current()) {
          return;
        }
        // a subscription refused (MOVED, CLUSTERDOWN): the map is stale
        trouble("subscription refused by " + address + ": " + r);
        return;
      }
      if ((r.type() != ResponseType.MULTI && r.type() != ResponseType.PUSH) || r.size() < 3) {
        return;
      }
      String kind = r.get(0).toString();
      if ("smessage".equals(kind)) {
        handler.accept(r.get(1).toString(), r.get(2).toBuffer());
      } else if ("sunsubscribe".equals(kind) && r.get(1) != null) {
        String channel = r.get(1).toString();
        Integer ours = leaving.get(channel);
        if (ours != null) {
          if (ours == 1) {
            leaving.remove(channel);
          } else {
            leaving.put(channel, ours - 1);
          }
        } else if (subscribed.remove(channel) && channels.contains(channel) && current()) {
          // Redis dropped it: its slot moved to another master
          trouble("slot of a channel moved away from " + address);
        }
      }
    }

    Future<Void> close() {
      return conn.close().transform(x -> client.close());
    }
  }

  @Override
  public Future<Void> start() {
    return onLink(this::refresh);
  }

  /** Something says the topology changed: down until a refresh has connected and subscribed everything again. */
  private void trouble(String why) {
    if (stopped) {
      return;
    }
    if (up) {
      up = false;
      downSince = System.currentTimeMillis();
      log.atWarn().addKeyValue("reason", why).log("redis link down");
    } else if (downSince == 0) {
      downSince = System.currentTimeMillis();
    }
    if (refreshTimer >= 0) {
      return;
    }
    long delay = nextBackoff();
    log.atDebug().addKeyValue("inMs", delay).addKeyValue("reason", why).log("redis cluster refresh scheduled");
    refreshTimer = vertx.setTimer(delay, id -> {
      refreshTimer = -1;
      refresh();
    });
  }

  /** Reads the slot map, connects every master, subscribes every channel on its master; then up. */
  private Future<Void> refresh() {
    if (stopped) {
      return Future.succeededFuture();
    }
    if (refreshing) {
      refreshAgain = true;
      return Future.succeededFuture();
    }
    refreshing = true;
    refreshAgain = false;
    return slotMap(candidates(), 0, null).compose(this::adopt).andThen(ar -> {
      refreshing = false;
      if (ar.failed()) {
        trouble(String.valueOf(ar.cause().getMessage()));
      } else if (refreshAgain || refreshTimer >= 0) {
        trouble("topology changed during a refresh");
      } else {
        restored(log.atInfo().addKeyValue("masters", shards.size()).addKeyValue("channels", channels.size()));
      }
    });
  }

  /** The known masters first, then the seeds. */
  private List<String> candidates() {
    List<String> all = new ArrayList<>(shards.keySet());
    seeds.stream().filter(s -> !all.contains(s)).forEach(all::add);
    return all;
  }

  private Future<SlotMap> slotMap(List<String> candidates, int i, Throwable last) {
    if (i >= candidates.size()) {
      return Future.failedFuture(last == null ? new IllegalStateException("no Redis node to ask") : last);
    }
    String endpoint = candidates.get(i);
    Redis probe = Redis.createClient(vertx, new RedisOptions(nodeOptions).setConnectionString(endpoint));
    // a node that accepts connections but does not answer (frozen, overloaded) must not hold the refresh up
    return probe.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).timeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(reply -> SlotMap.parse(endpoint, reply))
        .eventually(probe::close)
        .recover(e -> slotMap(candidates, i + 1, e));
  }

  private Future<Void> adopt(SlotMap map) {
    Set<String> masters = map.masters();
    for (Shard shard : List.copyOf(shards.values())) {
      if (!masters.contains(shard.endpoint)) {
        // no longer a master (a replica now, or gone): its channels move with the resubscription below
        shards.remove(shard.endpoint);
        shard.close();
      }
    }
    List<Future<Void>> connecting = new ArrayList<>();
    for (String endpoint : masters) {
      if (!shards.containsKey(endpoint)) {
        connecting.add(connect(endpoint));
      }
    }
    return Future.join(connecting).transform(connected -> {
      slots = map;
      // again on every master: a subscription that was refused meanwhile is taken up now (a second one is harmless)
      List<Future<Void>> subscribed = new ArrayList<>();
      for (String channel : channels) {
        subscribed.add(subscribeOnOwner(channel));
      }
      return connected.failed() ? Future.failedFuture(connected.cause()) : Future.join(subscribed).mapEmpty();
    });
  }

  private Future<Void> connect(String endpoint) {
    Redis client = Redis.createClient(vertx, new RedisOptions(nodeOptions).setConnectionString(endpoint));
    return client.connect().timeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS).<Void>map(conn -> {
      if (stopped) {
        conn.close().eventually(client::close);
        return null;
      }
      Shard shard = new Shard(endpoint, client, conn);
      shards.put(endpoint, shard);
      conn.handler(shard::push);
      conn.exceptionHandler(e -> lost(shard, e.getMessage()));
      conn.endHandler(v -> lost(shard, "connection closed"));
      return null;
    }).onFailure(e -> client.close());
  }

  private void lost(Shard shard, String why) {
    if (!shard.current()) {
      return;
    }
    shards.remove(shard.endpoint);
    shard.close();
    trouble("connection to " + shard.address + " lost: " + why);
  }

  /** Subscribes {@code channel} on its master (if connected), and unsubscribes it wherever else it was. */
  private Future<Void> subscribeOnOwner(String channel) {
    Shard owner = slots == null ? null : shards.get(slots.owner(channel));
    for (Shard shard : shards.values()) {
      if (shard != owner && shard.subscribed.contains(channel)) {
        shard.unsubscribe(channel);
      }
    }
    // without its master the channel is taken up by the next refresh, which the missing master has asked for
    return owner == null ? Future.succeededFuture() : owner.subscribe(channel);
  }

  @Override
  public Future<Void> subscribe(String channel) {
    return onLink(() -> channels.add(channel) ? subscribeOnOwner(channel) : Future.succeededFuture());
  }

  @Override
  public Future<Void> unsubscribe(String channel) {
    return onLink(() -> {
      if (!channels.remove(channel)) {
        return Future.succeededFuture();
      }
      List<Future<Void>> sent = new ArrayList<>();
      for (Shard shard : shards.values()) {
        if (shard.subscribed.contains(channel)) {
          sent.add(shard.unsubscribe(channel));
        }
      }
      return Future.join(sent).mapEmpty();
    });
  }

  @Override
  protected Future<Void> close() {
    stopped = true;
    up = false;
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
      refreshTimer = -1;
    }
    List<Future<Void>> closing = new ArrayList<>();
    shards.values().forEach(s -> closing.add(s.close()));
    shards.clear();
    closing.add(publisher.close());
    return Future.join(closing).mapEmpty();
  }
}
