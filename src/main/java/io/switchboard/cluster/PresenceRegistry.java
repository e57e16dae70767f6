package io.switchboard.cluster;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Who has a socket of a conversation open. {@link LocalPresence} on a single node, {@link RedisPresence}
 * across a cluster. Futures complete on the caller's event loop and never fail: when the cluster view
 * is unreachable the node answers from what it knows itself.
 */
public interface PresenceRegistry {

  /** A socket opened; true when it is the user's first of the conversation (cluster-wide). */
  Future<Boolean> open(String conversationId, String userId);

  /** A socket closed; true when it was the user's last of the conversation (cluster-wide). */
  Future<Boolean> close(String conversationId, String userId);

  Future<List<String>> online(String conversationId);

  /** Online user counts of several conversations at once. */
  Future<Map<String, Integer>> onlineCounts(List<String> conversationIds);
}
