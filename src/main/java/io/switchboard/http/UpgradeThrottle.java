package io.switchboard.http;

import io.micrometer.core.instrument.Counter;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.RateLimiter;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The per-address budget of WebSocket upgrades ({@code ws.upgradeBurst}, then
 * {@code ws.upgradesPerSecond}), for every socket kind: a client that opens sockets in a loop gets
 * 429 {@code rate_limited} with {@code Retry-After} before the token is checked or the upgrade made.
 * Every attempt counts, refused ones too, so a loop of bad tokens is throttled like a loop of good
 * ones. Runs after {@link ClientAddress}; other requests pass untouched.
 */
final class UpgradeThrottle implements Handler<RoutingContext> {

  private final RateLimiter upgrades;
  private final Counter refused;

  UpgradeThrottle(RateLimiter upgrades, Counter refused) {
    this.upgrades = upgrades;
    this.refused = refused;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      ctx.next();
      return;
    }
    String address = Api.clientIp(ctx);
    long wait = upgrades.take(address == null ? "" : address, System.nanoTime());
    if (wait > 0) {
      refused.increment();
      ctx.fail(ApiException.rateLimited(wait));
      return;
    }
    ctx.next();
  }
}
