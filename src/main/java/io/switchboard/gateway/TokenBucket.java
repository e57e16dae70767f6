package io.switchboard.gateway;

/**
 * One token bucket: a burst, then a sustained rate. Not thread-safe: its owner (a socket, on its
 * event loop) or {@link RateLimiter} (under a lock) guards it.
 */
public final class TokenBucket {

  private final int burst;
  private final double perSecond;
  private double tokens;
  private long refilledAtNanos;

  public TokenBucket(int burst, double perSecond, long nowNanos) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.tokens = burst;
    this.refilledAtNanos = nowNanos;
  }

  /** Takes a token; answers 0 when allowed, else the whole seconds to wait (at least 1). */
  public long take(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
  }

  /** Whether the bucket is full again (an idle user's bucket can be forgotten). */
  public boolean full(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst;
  }

  private void refill(long nowNanos) {
    double elapsed = (nowNanos - refilledAtNanos) / 1e9;
    tokens = Math.min(burst, tokens + elapsed * perSecond);
    refilledAtNanos = nowNanos;
  }
}
