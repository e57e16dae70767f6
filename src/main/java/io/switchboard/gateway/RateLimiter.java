package io.switchboard.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Token buckets by key on this node (burst, then a sustained rate): one per user and conversation
 * for message sends, one per client address for the sign-in calls. Thread-safe.
 */
public final class RateLimiter {

  private static final int SWEEP_EVERY = 10_000;

  private final int burst;
  private final double perSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

  public RateLimiter(int burst, double perSecond) {
    this.burst = burst;
    this.perSecond = perSecond;
  }

  private static final class Bucket {
    double tokens;
    long refilledAtNanos;
  }

  /** Takes a token from a user's bucket for one conversation; see {@link #take(String, long)}. */
  public long take(String userId, String conversationId, long nowNanos) {
    return take(userId + ':' + conversationId, nowNanos);
  }

  /** Takes a token from {@code key}'s bucket; answers 0 when allowed, else the seconds to wait (at least 1). */
  public long take(String key, long nowNanos) {
    sweep(nowNanos);
    Bucket bucket = buckets.computeIfAbsent(key, k -> {
      Bucket b = new Bucket();
      b.tokens = burst;
      b.refilledAtNanos = nowNanos;
      return b;
    });
    synchronized (bucket) {
      refill(bucket, nowNanos);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
    }
  }

  private void refill(Bucket bucket, long nowNanos) {
    double elapsed = (nowNanos - bucket.refilledAtNanos) / 1e9;
    bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perSecond);
    bucket.refilledAtNanos = nowNanos;
  }

  /** Forgets full buckets now and then, so idle users cost nothing. */
  private void sweep(long nowNanos) {
    if (calls.incrementAndGet() % SWEEP_EVERY != 0) {
      return;
    }
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        refill(e.getValue(), nowNanos);
        return e.getValue().tokens >= burst;
      }
    });
  }
}
