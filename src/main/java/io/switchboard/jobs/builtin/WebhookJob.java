package io.switchboard.jobs.builtin;

import io.switchboard.jobs.JobHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;

/**
 * {@code webhook}: POSTs {@code payload.body} as JSON to {@code payload.url} with a timeout; any
 * answer but 2xx, a timeout or a connection error fails the attempt.
 */
public final class WebhookJob implements JobHandler {

  public static final String KIND = "webhook";
  private final WebClient client;
  private final long timeoutMillis;

  public WebhookJob(WebClient client, long timeoutMillis) {
    this.client = client;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** Checks a payload before it is queued, so a job that can never work is refused at once. */
  public static String invalid(JsonObject payload) {
    Object url = payload.getValue("url");
    if (!(url instanceof String s)) {
      return "payload.url: required";
    }
    try {
      URI uri = URI.create(s);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        return "payload.url: must be an http(s) URL";
      }
    } catch (IllegalArgumentException e) {
      return "payload.url: must be an http(s) URL";
    }
    return null;
  }

  @Override
  public Future<Void> handle(JsonObject payload) {
    String problem = invalid(payload);
    if (problem != null) {
      return Future.failedFuture(problem);
    }
    Object body = payload.getValue("body");
    return client.postAbs(payload.getString("url"))
        .timeout(timeoutMillis)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(io.vertx.core.json.Json.encodeToBuffer(body == null ? new JsonObject() : body))
        .compose(response -> response.statusCode() / 100 == 2
            ? Future.succeededFuture()
            : Future.failedFuture("webhook answered HTTP " + response.statusCode()));
  }
}
