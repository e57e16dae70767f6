package io.switchboard.http;

import io.switchboard.ops.RequestIds;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each request an id (echoed as {@code X-Request-Id}, kept on the request's context for every
 * log line of its work, see {@link RequestIds}) and logs one line when it ends: method, route
 * template, status and time. Never the raw path or query, which may carry ids and tokens
 * ({@code ?token=} of socket upgrades, signed media URLs).
 */
public final class RequestLog implements Handler<RoutingContext> {

  public static final String REQUEST_ID = RequestIds.KEY;
  /** What is logged as the route of a request no route matched. */
  public static final String UNMATCHED = "(unmatched)";
  private static final String TEMPLATE = "switchboard.routeTemplate";
  private static final Logger log = LoggerFactory.getLogger("switchboard.access");

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String incoming = ctx.request().getHeader("X-Request-Id");
    String id = incoming != null && incoming.length() <= 64 && incoming.matches("[A-Za-z0-9._-]+")
        ? incoming : UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, id);
    RequestIds.set(ctx.vertx().getOrCreateContext(), id);
    ctx.response().putHeader("X-Request-Id", id);
    // the route that answers is current while the head is written (not once a failure handler took over)
    ctx.addHeadersEndHandler(v -> remember(ctx));
    ctx.addEndHandler(v -> log.atInfo()
        .addKeyValue("requestId", id)
        .addKeyValue("method", ctx.request().method())
        .addKeyValue("route", template(ctx))
        .addKeyValue("status", ctx.response().getStatusCode())
        .addKeyValue("ms", String.format("%.1f", (System.nanoTime() - start) / 1e6))
        .log("request"));
    ctx.next();
  }

  private static void remember(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    if (route != null && route.getPath() != null && ctx.get(TEMPLATE) == null) {
      ctx.put(TEMPLATE, route.getPath());
    }
  }

  /**
   * The template of the route that matched: {@code /api/conversations/:id/messages}. When a failure
   * handler answered, the path with each path parameter's segment put back as {@code :name}.
   */
  static String template(RoutingContext ctx) {
    remember(ctx);
    String known = ctx.get(TEMPLATE);
    if (known != null) {
      return known;
    }
    Map<String, String> params = ctx.pathParams();
    if (params.isEmpty()) {
      return ctx.response().getStatusCode() == 404 ? UNMATCHED : ctx.request().path();
    }
    StringBuilder out = new StringBuilder();
    for (String segment : ctx.request().path().split("/", -1)) {
      String name = null;
      for (Map.Entry<String, String> p : params.entrySet()) {
        if (p.getValue() != null && p.getValue().equals(segment)) {
          name = p.getKey();
          break;
        }
      }
      out.append(name == null ? segment : ":" + name).append('/');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }
}
