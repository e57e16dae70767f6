package io.switchboard.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Open conversation sockets per user on this node; thread-safe (every event loop's sockets use it). */
public final class Presence {

  private final Map<String, Map<String, Integer>> counts = new ConcurrentHashMap<>();

  /** Counts an opened socket; true when it is the user's first on this conversation. */
  public boolean open(String conversationId, String userId) {
    boolean[] first = new boolean[1];
    counts.compute(conversationId, (c, users) -> {
      Map<String, Integer> map = users == null ? new ConcurrentHashMap<>() : users;
      first[0] = map.merge(userId, 1, Integer::sum) == 1;
      return map;
    });
    return first[0];
  }

  /** Counts a closed socket; true when it was the user's last on this conversation. */
  public boolean close(String conversationId, String userId) {
    boolean[] last = new boolean[1];
    counts.computeIfPresent(conversationId, (c, users) -> {
      Integer left = users.computeIfPresent(userId, (u, n) -> n <= 1 ? null : n - 1);
      last[0] = left == null;
      return users.isEmpty() ? null : users;
    });
    return last[0];
  }

  public List<String> online(String conversationId) {
    Map<String, Integer> users = counts.get(conversationId);
    return users == null ? List.of() : List.copyOf(users.keySet());
  }

  /** Every (conversation, users) pair with an open socket on this node. */
  public Map<String, List<String>> snapshot() {
    Map<String, List<String>> copy = new java.util.HashMap<>();
    counts.forEach((c, users) -> copy.put(c, List.copyOf(users.keySet())));
    return copy;
  }

  public int onlineCount(String conversationId) {
    Map<String, Integer> users = counts.get(conversationId);
    return users == null ? 0 : users.size();
  }
}
