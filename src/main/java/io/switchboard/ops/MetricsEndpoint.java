package io.switchboard.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.error.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: the node's registry in Prometheus text format (SPEC §9). Not an operation of
 * the OpenAPI contract: it is for the operator's scraper, not for API clients, and it is served either
 * on the management port or on the HTTP port, behind its own bearer token when one is set. The text is
 * rendered on a worker thread, so a scrape of many meters never holds an event loop.
 */
public final class MetricsEndpoint implements Handler<RoutingContext> {

  public static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String BEARER = "bearer ";

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  /** The token's bytes; null when the endpoint is open. */
  private final byte[] token;

  /** {@code token}: what {@code Authorization: Bearer} must carry; null or blank = no token asked. */
  public MetricsEndpoint(Vertx vertx, PrometheusMeterRegistry registry, String token) {
    this.vertx = vertx;
    this.registry = registry;
    this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token != null && !authorized(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
      ctx.fail(ApiException.unauthorized("/metrics needs the metrics token (Authorization: Bearer)"));
      return;
    }
    vertx.executeBlocking(registry::scrape, false).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).putHeader("Cache-Control", "no-store").end(ar.result());
      }
    });
  }

  /** Compared in constant time (for tokens of the same length). */
  private boolean authorized(String header) {
    if (header == null || header.length() < BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    byte[] given = header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }
}
