package io.switchboard.http;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /media/{id}}: stored pictures (avatars). Readable without a token: the id is an
 * unguessable UUID and the content never changes, so it is cached for a year.
 */
final class MediaRoute implements Handler<RoutingContext> {

  private final Vertx vertx;

  MediaRoute(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Bus.request(vertx, Addresses.MEDIA_GET, ctx.pathParam("id")).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      var media = ar.result();
      String etag = "\"" + media.id() + "\"";
      var response = ctx.response()
          .putHeader("ETag", etag)
          .putHeader("Cache-Control", "public, max-age=31536000, immutable")
          .putHeader("X-Content-Type-Options", "nosniff");
      if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
        response.setStatusCode(304).end();
        return;
      }
      response.putHeader("Content-Type", media.contentType()).end(media.bytes());
    });
  }
}
