package io.switchboard.auth;

import io.switchboard.domain.event.SessionsRevoked;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions whose access tokens must stop working before they expire (logout, refresh-token reuse,
 * password change, disabled user). Filled at start from Postgres and then by revocation events, so
 * checking a token never costs a database round trip. Thread-safe; shared by the node's verticles.
 */
public final class RevocationList {

  private final ConcurrentHashMap<String, Long> revokedUntil = new ConcurrentHashMap<>();

  /** @param untilMillis when the last access token of the session expires anyway; the entry can go then */
  public void revoke(String sessionId, long untilMillis) {
    revokedUntil.merge(sessionId, untilMillis, Math::max);
  }

  public void revoke(SessionsRevoked event) {
    event.sessionIds().forEach(sid -> revoke(sid, event.untilEpochMillis()));
  }

  public boolean isRevoked(String sessionId) {
    return revokedUntil.containsKey(sessionId);
  }

  public void purgeExpired(long nowMillis) {
    revokedUntil.values().removeIf(until -> until < nowMillis);
  }

  public int size() {
    return revokedUntil.size();
  }
}
