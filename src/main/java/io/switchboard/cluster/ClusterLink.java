package io.switchboard.cluster;

import io.switchboard.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/**
 * Carries payloads between the nodes of a cluster on named channels. {@link LocalLink} when no Redis
 * is configured (a single node: nothing to carry), {@link RedisLink} on one standalone Redis,
 * {@link RedisClusterLink} on a Redis Cluster. A node subscribes only to the channels its own sockets need.
 */
public interface ClusterLink {

  /** The link {@code config} asks for: by {@code redis.url} and {@code redis.mode}. */
  static ClusterLink of(Vertx vertx, AppConfig config) {
    List<String> urls = config.redisUrls();
    if (urls.isEmpty()) {
      return new LocalLink();
    }
    return config.redisCluster() ? new RedisClusterLink(vertx, urls) : new RedisLink(vertx, urls.get(0));
  }

  /** Where payloads published by other nodes arrive (channel, payload); set once before {@link #start()}. */
  void onMessage(BiConsumer<String, Buffer> handler);

  /**
   * Called after the link came back from an outage (subscriptions restored): time to fill gaps. The
   * handler gets when the link was found down (epoch millis), so that what changed since can be read back.
   */
  void onReconnect(LongConsumer handler);

  Future<Void> start();

  Future<Void> stop();

  void publish(String channel, Buffer payload);

  Future<Void> subscribe(String channel);

  Future<Void> unsubscribe(String channel);

  /** False while the link to the other nodes is down (readiness reports it). */
  boolean up();

  /** Whether other nodes can exist at all. */
  boolean clustered();

  /** Publishes waiting for the link to carry them (kept while it is down); readable from any thread. */
  int publishQueue();
}
