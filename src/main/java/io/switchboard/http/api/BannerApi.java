package io.switchboard.http.api;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Banner;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.Frames;
import io.switchboard.gateway.GatewayVerticle;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.http.Uploads;
import io.switchboard.media.ImageWork;
import io.switchboard.media.MediaFiles;
import io.switchboard.media.Profile;
import io.switchboard.persistence.store.BannerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.file.Path;

/**
 * The global banner (SPEC §4): one notice, text and an optional picture, set and cleared with
 * {@code announcements.send} and read by anyone signed in. Every change is pushed to every chat and
 * notification socket and SSE stream on every node ({@code {"type":"banner", text, image, updatedAt}};
 * cleared: {@code text} and {@code image} null); sockets that open later get the current one after
 * their welcome.
 */
public final class BannerApi implements ApiModule {

  /** Longest banner text. */
  static final int MAX_TEXT = 1000;

  private final Vertx vertx;
  private final Uploads uploads;
  private final ImageWork images;
  private final MediaFiles media;

  public BannerApi(Vertx vertx, Uploads uploads, ImageWork images, MediaFiles media) {
    this.vertx = vertx;
    this.media = media;
    this.uploads = uploads;
    this.images = images;
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("getBanner").addHandler(this::get);
    uploads.accept(routes.getRoute("setBanner")).addHandler(this::set);
    routes.getRoute("clearBanner").addHandler(this::clear);
  }

  private void get(RoutingContext ctx) {
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.BANNER_GET, (Void) null),
        b -> new JsonObject().put("banner", b.map(Banner::toJson).orElse(null)));
  }

  private void set(RoutingContext ctx) {
    FileUpload upload;
    try {
      upload = Uploads.file(ctx, "the banner (text and an optional file)");
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    String text = ctx.request().getFormAttribute("text");
    if (text == null || text.isBlank()) {
      ctx.fail(ApiException.validation("text", "required"));
      return;
    }
    if (text.length() > MAX_TEXT || text.indexOf('\0') >= 0) {
      ctx.fail(ApiException.validation("text", "at most " + MAX_TEXT + " characters, no NUL"));
      return;
    }
    String userId = Api.principal(ctx).userId();
    Future<String> picture = upload == null ? Future.succeededFuture(null)
        : images.process(Path.of(upload.uploadedFileName()), Profile.MESSAGE).compose(p -> media.store(userId, null, p));
    Future<Banner> set = picture
        .compose(mediaId -> Bus.request(vertx, Addresses.BANNER_SET, new BannerStore.Set(text, mediaId, userId))
            // a picture whose banner could not be set is not kept
            .recover(e -> mediaId == null ? Future.failedFuture(e)
                : Bus.request(vertx, Addresses.MEDIA_DELETE, mediaId).transform(x -> Future.failedFuture(e))))
        .compose(b -> AuditTrail.record(vertx, ctx, "banner.set", "banner", new JsonObject().put("text", text)).map(b))
        .onSuccess(b -> push(Frames.banner(b)));
    Api.reply(ctx, 200, set, Banner::toJson);
  }

  private void clear(RoutingContext ctx) {
    Api.noContent(ctx, Bus.request(vertx, Addresses.BANNER_CLEAR, (Void) null)
        .compose(at -> AuditTrail.record(vertx, ctx, "banner.clear", "banner", new JsonObject()).map(at))
        .onSuccess(at -> push(Frames.bannerCleared(at))));
  }

  private void push(String frame) {
    Bus.publish(vertx, Addresses.BROADCAST, new Broadcast(GatewayVerticle.BANNER, frame, null, true));
  }
}
