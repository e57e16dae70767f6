package io.switchboard.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link TokenBucket}s per user and conversation on this node (burst, then a sustained rate). Thread-safe. */
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

  /** Takes a token; answers 0 when allowed, else the seconds to wait (at least 1). */
  public long take(String userId, String conversationId, long nowNanos) {
    sweep(nowNanos);
    TokenBucket bucket = buckets.computeIfAbsent(userId + ':' + conversationId, k -> new TokenBucket(burst, perSecond, nowNanos));
    synchronized (bucket) {
      return bucket.take(nowNanos);
    }
  }

  /** Forgets full buckets now and then, so idle users cost nothing. */
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
