package io.switchboard.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link TokenBucket}s by key on this node (burst, then a sustained rate): one per user and
 * conversation for message sends and typing, one per client address for the sign-in calls and for
 * WebSocket upgrades. Thread-safe.
 */
public final class RateLimiter {

  private static final int SWEEP_EVERY = 10_000;

  private final int burst;
  private final double perSecond;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

  public RateLimiter(int burst, double perSecond) {
    this.burst = burst;
    this.perSecond = perSecond;
  }

  /** Takes a token from a user's bucket for one conversation; see {@link #take(String, long)}. */
  public long take(String userId, String conversationId, long nowNanos) {
    return take(userId + ':' + conversationId, nowNanos);
  }

  /** Takes a token from {@code key}'s bucket; answers 0 when allowed, else the seconds to wait (at least 1). */
  public long take(String key, long nowNanos) {
    sweep(nowNanos);
    TokenBucket bucket = buckets.computeIfAbsent(key, k -> new TokenBucket(burst, perSecond, nowNanos));
    synchronized (bucket) {
      return bucket.take(nowNanos);
    }
  }

  /** Forgets full buckets now and then, so idle keys cost nothing. */
  private void sweep(long nowNanos) {
    if (calls.incrementAndGet() % SWEEP_EVERY != 0) {
      return;
    }
    buckets.values().removeIf(bucket -> {
      synchronized (bucket) {
        return bucket.full(nowNanos);
      }
    });
  }
}
