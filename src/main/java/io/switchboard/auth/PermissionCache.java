package io.switchboard.auth;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-node cache of {@link Grants}. Entries live at most {@link #TTL_MILLIS}, so a change to groups
 * or permissions made anywhere is honoured within SPEC §3's 5 seconds even if the invalidation event
 * is missed; local changes invalidate at once.
 */
public final class PermissionCache {

  public static final long TTL_MILLIS = 4_000;

  private record Entry(Grants grants, long loadedAt) {
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  public Grants get(String userId, long nowMillis) {
    Entry e = entries.get(userId);
    if (e == null || nowMillis - e.loadedAt > TTL_MILLIS) {
      return null;
    }
    return e.grants;
  }

  public void put(Grants grants, long nowMillis) {
    entries.put(grants.userId(), new Entry(grants, nowMillis));
  }

  public void invalidate(String userId) {
    if (userId == null) {
      entries.clear();
    } else {
      entries.remove(userId);
    }
  }
}
