package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Single Redis commands beside the pub/sub of a link (presence keys and scripts). On a Redis Cluster
 * each command goes to the master of its keys' slot, so every command must touch one slot only.
 */
public interface RedisCommands {

  /** Runs {@code request}; the answer completes on the caller's event loop. */
  Future<Response> send(Request request);
}
