package io.switchboard.modules;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A webhook receiver for module alerts that keeps every POST's body and arrival time
 * ({@link io.switchboard.testing.WebhookTarget} keeps arrival times only). {@code answer} gives the
 * status for the n-th request (1-based).
 */
final class AlertReceiver implements AutoCloseable {

  record Post(long at, String method, String contentType, String body) {

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Post> posts = new CopyOnWriteArrayList<>();

  AlertReceiver(IntFunction<Integer> answer) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      synchronized (posts) {
        posts.add(new Post(System.currentTimeMillis(), req.method().name(), req.getHeader("Content-Type"), body.toString()));
        req.response().setStatusCode(answer.apply(posts.size())).end();
      }
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/alerts";
  }

  List<Post> posts() {
    return List.copyOf(posts);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
