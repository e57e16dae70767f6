package io.switchboard.http;

import io.switchboard.error.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * Reads request bodies before authentication, JSON and other small bodies only: up to
 * {@code http.maxBodyBytes}, refused with 413 as soon as the Content-Length (or the bytes received)
 * pass the limit, before the body is buffered whole. A multipart body is never read here: sent to an
 * operation that takes uploads ({@link Uploads}) it is paused and left to that route's reader, which
 * runs after authentication; sent anywhere else it is refused with 415 at once and its bytes are
 * dropped as they arrive. WebSocket upgrades pass untouched.
 */
final class BodyLimits implements Handler<RoutingContext> {

  private final BodyHandler json;
  private final Uploads uploads;

  BodyLimits(long maxBodyBytes, Uploads uploads) {
    this.json = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    this.uploads = uploads;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if ("websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      ctx.next();
      return;
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      json.handle(ctx);
      return;
    }
    if (!uploads.takes(request.method(), ctx.normalizedPath())) {
      ctx.fail(new ApiException(415, "unsupported_media_type", "multipart bodies are accepted only by upload operations"));
      return;
    }
    if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      ctx.fail(new ApiException(415, "unsupported_media_type", "uploads are sent as multipart/form-data"));
      return;
    }
    request.pause();
    // refused before its reader ran (401, 403): the body drains unread, so that the connection can serve the next request
    ctx.addEndHandler(ar -> {
      if (!request.isEnded()) {
        request.resume();
      }
    });
    ctx.next();
  }
}
