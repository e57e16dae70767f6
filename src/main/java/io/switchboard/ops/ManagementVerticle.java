package io.switchboard.ops;

import io.switchboard.NodeContext;
import io.switchboard.config.Settings;
import io.switchboard.http.error.FailureHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The management port ({@code SWITCHBOARD_MANAGEMENT_PORT}), for the operator's network only:
 * {@code /metrics} and the two health checks. One instance per node. Its requests are not written to
 * the access log (a scraper and a health checker call every few seconds), and the HTTP port then
 * serves no {@code /metrics}.
 */
public final class ManagementVerticle extends VerticleBase {

  private final NodeContext node;
  private HttpServer server;

  public ManagementVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    var config = node.config();
    OpsApi health = new OpsApi(vertx, node);
    Router router = Router.router(vertx);
    router.get(MetricsEndpoint.PATH).handler(new MetricsEndpoint(vertx, node.metrics(), config.get(Settings.METRICS_TOKEN)));
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : List.of(401, 404, 405, 500)) {
      router.errorHandler(status, failures);
    }
    String host = config.isSet(Settings.MANAGEMENT_HOST) ? config.get(Settings.MANAGEMENT_HOST) : config.get(Settings.HTTP_HOST);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(config.get(Settings.MANAGEMENT_PORT)))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> {
          server = s;
          node.managementPort().set(s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
