package io.switchboard.cluster;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A single node: the node's own socket counts are the whole truth. */
public final class LocalPresence implements PresenceRegistry {

  private final Presence counts = new Presence();

  @Override
  public Future<Boolean> open(String conversationId, String userId) {
    return Future.succeededFuture(counts.open(conversationId, userId));
  }

  @Override
  public Future<Boolean> close(String conversationId, String userId) {
    return Future.succeededFuture(counts.close(conversationId, userId));
  }

  @Override
  public Future<List<String>> online(String conversationId) {
    return Future.succeededFuture(counts.online(conversationId));
  }

  @Override
  public Future<Map<String, Integer>> onlineCounts(List<String> conversationIds) {
    Map<String, Integer> result = new HashMap<>();
    conversationIds.forEach(id -> result.put(id, counts.onlineCount(id)));
    return Future.succeededFuture(result);
  }
}
