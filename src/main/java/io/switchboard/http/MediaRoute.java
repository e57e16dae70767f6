package io.switchboard.http;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.error.ApiException;
import io.switchboard.media.MediaUrls;
import io.switchboard.media.MediaFiles;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /media/{id}}: stored pictures. Avatars and the banner's picture are readable without a
 * token (the id is an unguessable UUID and the content never changes: cached for a year). A
 * conversation's picture is served only on a URL signed for a reader ({@link MediaUrls}: the API and
 * the sockets hand such URLs only to those who may read the conversation); unsigned, tampered or
 * expired, it is 403, and it is cached privately.
 */
final class MediaRoute implements Handler<RoutingContext> {

  private final Vertx vertx;
  private final MediaUrls urls;

  private final MediaFiles files;

  MediaRoute(Vertx vertx, MediaUrls urls, MediaFiles files) {
    this.vertx = vertx;
    this.urls = urls;
    this.files = files;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Bus.request(vertx, Addresses.MEDIA_GET, id).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      var media = ar.result();
      var request = ctx.request();
      boolean conversation = media.conversationId() != null;
      if (conversation && !urls.valid(media.id(), request.getParam("r"), request.getParam("e"), request.getParam("s"))) {
        ctx.fail(ApiException.forbidden("this picture needs a valid signed URL (ask the API for a fresh one)"));
        return;
      }
      String etag = "\"" + media.id() + "\"";
      var response = ctx.response()
          .putHeader("ETag", etag)
          .putHeader("Cache-Control", conversation ? "private, max-age=" + urls.secondsLeft(request.getParam("e"))
              : "public, max-age=31536000, immutable")
          .putHeader("X-Content-Type-Options", "nosniff");
      if (etag.equals(request.getHeader("If-None-Match"))) {
        response.setStatusCode(304).end();
        return;
      }
      files.bytes(media).onComplete(bytes -> {
        if (bytes.failed()) {
          // the row is there, its file is not (being deleted with it): as good as gone
          ctx.fail(ApiException.notFound("no such media"));
        } else {
          response.putHeader("Content-Type", media.contentType()).end(bytes.result());
        }
      });
    });
  }
}
