package io.switchboard.ops;

import io.switchboard.NodeContext;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** Liveness and readiness (SPEC §9), on the HTTP port and on the management port ({@link ManagementVerticle}); the node's metrics for the console. */
public final class OpsApi implements ApiModule {

  private static final long CHECK_TIMEOUT_MS = 2_000;
  private final Vertx vertx;
  private final NodeContext node;

  public OpsApi(Vertx vertx, NodeContext node) {
    this.vertx = vertx;
    this.node = node;
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("healthLive").addHandler(this::live);
    routes.getRoute("healthReady").addHandler(this::ready);
    // the same text as /metrics, for an audit.view holder's console signed in like any API call: it works
    // where /metrics itself is on the management port or behind the scraper's token
    routes.getRoute("nodeMetrics").addHandler(new MetricsEndpoint(vertx, node.metrics(), null));
  }

  void live(RoutingContext ctx) {
    Api.json(ctx, 200, new JsonObject().put("status", "up").put("node", node.nodeId()));
  }

  void ready(RoutingContext ctx) {
    Future<Boolean> postgres = Bus.request(vertx, Addresses.DB_PING, (Void) null)
        .timeout(CHECK_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .otherwise(false);
    postgres.onComplete(ar -> {
      boolean pg = ar.succeeded() && ar.result();
      JsonObject checks = new JsonObject().put("postgres", pg ? "up" : "down");
      boolean ready = pg;
      if (node.clusterLink().clustered()) {
        boolean redis = node.clusterLink().up();
        checks.put("redis", redis ? "up" : "down");
        ready = ready && redis;
      }
      Api.json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "ready" : "unavailable")
          .put("node", node.nodeId()).put("checks", checks));
    });
  }
}
