package io.switchboard.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A small HTTP server standing in for a webhook receiver. {@code answer} gives, for the n-th request
 * (1-based), the status to answer, or 0 to never answer (a hung receiver).
 */
public final class WebhookTarget implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Long> arrivals = new CopyOnWriteArrayList<>();

  public WebhookTarget(IntFunction<Integer> answer) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> handle(req, answer)).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest req, IntFunction<Integer> answer) {
    req.body().onSuccess(body -> {
      arrivals.add(System.currentTimeMillis());
      int status = answer.apply(arrivals.size());
      if (status > 0) {
        req.response().setStatusCode(status).end();
      }
    });
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  public List<Long> arrivals() {
    return arrivals;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
