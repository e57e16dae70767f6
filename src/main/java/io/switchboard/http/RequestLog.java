package io.switchboard.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gives each request an id (echoed as {@code X-Request-Id}) and logs one line when it ends. */
public final class RequestLog implements Handler<RoutingContext> {

  public static final String REQUEST_ID = "requestId";
  private static final Logger log = LoggerFactory.getLogger("switchboard.access");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String incoming = ctx.request().getHeader("X-Request-Id");
    String id = incoming != null && incoming.length() <= 64 && incoming.matches("[A-Za-z0-9._-]+")
        ? incoming : UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader("X-Request-Id", id);
    ctx.addEndHandler(v -> log.atInfo()
        .addKeyValue("requestId", id)
        .addKeyValue("method", ctx.request().method())
        .addKeyValue("path", ctx.request().path())
        .addKeyValue("status", ctx.response().getStatusCode())
        .addKeyValue("ms", String.format("%.1f", (System.nanoTime() - start) / 1e6))
        .log("request"));
    ctx.next();
  }
}
