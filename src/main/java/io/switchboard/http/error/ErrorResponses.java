package io.switchboard.http.error;

import io.switchboard.error.ApiException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the SPEC §2 error body {@code {"error":{"code","message"}}}. */
public final class ErrorResponses {

  private ErrorResponses() {
  }

  public static void send(RoutingContext ctx, ApiException e) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (e.retryAfterSeconds() != null) {
      response.putHeader("Retry-After", String.valueOf(Math.max(1, e.retryAfterSeconds())));
    }
    if (e.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    JsonObject body = new JsonObject().put("error", new JsonObject().put("code", e.code()).put("message", e.getMessage()));
    response.setStatusCode(e.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.toBuffer());
  }
}
