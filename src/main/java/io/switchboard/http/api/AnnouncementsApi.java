package io.switchboard.http.api;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Message;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.Gateway;
import io.switchboard.gateway.Messaging;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.media.ImageWork;
import io.switchboard.media.MediaFiles;
import io.switchboard.persistence.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * Announcements (SPEC §4, {@code announcements.send}): a {@code system} message in any conversation,
 * from a text, a preset ({@link AnnouncementPresets}) or a stored picture ({@code imageId}), delivered
 * like every committed message; and the list of presets.
 */
public final class AnnouncementsApi implements ApiModule {

  private final Vertx vertx;
  private final Gateway gateway;
  private final ConversationAccess access;
  private final AnnouncementPresets presets;

  /** @param presets what {@link AnnouncementPresets#read} found in the presets file */
  public AnnouncementsApi(Vertx vertx, Gateway gateway, ImageWork images, MediaFiles media,
      java.util.Map<String, AnnouncementPresets.Preset> presets) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.access = new ConversationAccess(vertx);
    this.presets = new AnnouncementPresets(media, images, presets);
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listAnnouncementPresets").addHandler(this::presets);
    routes.getRoute("sendAnnouncement").addHandler(this::send);
  }

  private void presets(RoutingContext ctx) {
    Api.reply(ctx, 200, presets.all(), list -> {
      JsonArray items = new JsonArray();
      list.forEach(p -> items.add(p.toJson()));
      return new JsonObject().put("items", items);
    });
  }

  private void send(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    JsonObject body = Api.body(ctx);
    String text = body.getString("text");
    String preset = body.getString("preset");
    String imageId = body.getString("imageId");
    Future<Message> sent;
    try {
      if (preset != null && !presets.has(preset)) {
        throw ApiException.validation("preset", "no preset named " + preset);
      }
      if (preset == null && (text == null || text.isBlank()) && imageId == null) {
        throw ApiException.validation("text", "give a text, a preset or an imageId");
      }
      if (text != null && (text.length() > Messaging.MAX_TEXT || text.indexOf('\0') >= 0)) {
        throw ApiException.validation("text", "at most " + Messaging.MAX_TEXT + " characters, no NUL");
      }
      sent = access.lookup(principal, Api.path(ctx, "id")).compose(a -> content(text, preset, imageId)
          .compose(c -> Bus.request(vertx, Addresses.MESSAGE_SYSTEM,
              new MessageStore.SystemMessage(a.conversation().id(), principal.userId(), c.text(), c.mediaId()))))
          .compose(m -> AuditTrail.record(vertx, ctx, "announcement.send", m.conversationId(),
              new JsonObject().put("seq", m.seq()).put("preset", preset)).map(m));
    } catch (ApiException e) {
      sent = Future.failedFuture(e);
    }
    Api.reply(ctx, 201, sent, m -> new JsonObject(gateway.mediaUrls().signFrame(m.toJson().encode(), principal.userId())));
  }

  private record Content(String text, String mediaId) {
  }

  /**
   * What the announcement says: the given text, else the preset's; the given picture, else the
   * preset's. A given {@code imageId} must be a shared picture (the banner's or a preset's): a
   * conversation's pictures belong to their own messages and go with them, avatars to their users.
   */
  private Future<Content> content(String text, String preset, String imageId) {
    Future<AnnouncementPresets.Ready> base = preset == null ? Future.succeededFuture(null) : presets.get(preset);
    return base.compose(p -> {
      String words = text != null && !text.isBlank() ? text : p == null ? null : p.text();
      if (imageId == null) {
        return Future.succeededFuture(new Content(words, p == null ? null : p.mediaId()));
      }
      // a shared picture: the banner's now, or a preset's (a conversation's belong to their messages, avatars to their users)
      Future<Boolean> banner = Bus.request(vertx, Addresses.BANNER_GET, (Void) null)
          .map(b -> b.map(x -> imageId.equals(x.mediaId())).orElse(false));
      return banner.compose(isBanner -> isBanner ? Future.succeededFuture(true)
              : presets.all().map(all -> all.stream().anyMatch(r -> imageId.equals(r.mediaId()))))
          .compose(shared -> shared ? Future.succeededFuture(new Content(words, imageId))
              : Future.failedFuture(ApiException.validation("imageId", "not a shared picture (the banner's or a preset's)")));
    });
  }
}
