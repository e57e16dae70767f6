package io.switchboard.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Reads request bodies with a size limit: JSON bodies up to {@code http.maxBodyBytes}, multipart
 * uploads up to {@code http.maxUploadBytes} (to disk). A larger body is refused with 413 as soon as
 * its Content-Length (or the bytes received) pass the limit, before it is buffered whole.
 * WebSocket upgrades pass untouched.
 */
final class BodyLimits implements Handler<RoutingContext> {

  private final BodyHandler json;
  private final BodyHandler upload;

  BodyLimits(long maxBodyBytes, long maxUploadBytes, String uploadsDir) {
    this.json = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    this.upload = BodyHandler.create(uploadsDir).setBodyLimit(maxUploadBytes).setDeleteUploadedFilesOnEnd(true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if ("websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
      ctx.next();
      return;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.toLowerCase().startsWith("multipart/")) {
      upload.handle(ctx);
    } else {
      json.handle(ctx);
    }
  }
}
