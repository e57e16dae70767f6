package io.switchboard.http.api;

import io.switchboard.error.ApiException;
import io.switchboard.http.Uploads;
import io.switchboard.media.ImageWork;
import io.switchboard.media.MediaFiles;
import io.switchboard.media.Profile;
import io.vertx.core.Future;
import io.vertx.ext.web.FileUpload;
import java.nio.file.Path;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Message;
import io.switchboard.gateway.Gateway;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.MessageStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** Message history, sending, recall and deletion over HTTP (SPEC §4); delivered live like socket sends. */
public final class MessagesApi implements ApiModule {

  private final Vertx vertx;
  private final Gateway gateway;
  private final ConversationAccess access;

  private final Uploads uploads;
  private final ImageWork images;

  private final MediaFiles media;

  public MessagesApi(Vertx vertx, Gateway gateway, Uploads uploads, ImageWork images, MediaFiles media) {
    this.media = media;
    this.vertx = vertx;
    this.gateway = gateway;
    this.access = new ConversationAccess(vertx);
    this.uploads = uploads;
    this.images = images;
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listMessages").addHandler(this::history);
    routes.getRoute("sendMessage").addHandler(this::send);
    uploads.accept(routes.getRoute("sendImage")).addHandler(this::sendImage);
    routes.getRoute("recallMessage").addHandler(this::recall);
    routes.getRoute("deleteMessage").addHandler(this::delete);
  }

  private void history(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    Long before = Api.queryLong(ctx, "before");
    Long after = Api.queryLong(ctx, "after");
    int limit = Api.queryInt(ctx, "limit", 50);
    Api.reply(ctx, 200, access.readable(principal, Api.path(ctx, "id"))
        .compose(a -> Bus.request(vertx, Addresses.MESSAGE_HISTORY, new MessageStore.History(a.conversation().id(), before, after, limit))),
        page -> {
          JsonArray items = new JsonArray();
          page.items().forEach(m -> items.add(json(m, principal.userId())));
          return new JsonObject().put("items", items).put("hasMore", page.hasMore());
        });
  }

  private static long seq(RoutingContext ctx) {
    return Api.pathLong(ctx, "seq");
  }

  private void send(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    JsonObject body = Api.body(ctx);
    Api.reply(ctx, 201, access.participant(principal, Api.path(ctx, "id"))
            .compose(a -> gateway.messaging().send(principal.userId(), a.conversation().id(), body.getString("text"), body.getString("clientMsgId"))),
        sent -> json(sent.message(), principal.userId()));
  }

  /**
   * {@code POST /api/conversations/{id}/images}: a participant's picture message. The order: the
   * caller may write here, the caption and rate limit (a refused upload is never decoded), the picture
   * re-encoded on the image pool, stored as the conversation's media, then the message; a message the
   * store refuses takes its picture with it.
   */
  private void sendImage(RoutingContext ctx) {
    FileUpload upload;
    try {
      upload = Uploads.requiredFile(ctx, "the picture in the field file");
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    Principal principal = Api.principal(ctx);
    String caption = ctx.request().getFormAttribute("caption");
    String clientMsgId = ctx.request().getFormAttribute("clientMsgId");
    if (clientMsgId != null && (clientMsgId.isEmpty() || clientMsgId.length() > 128)) {
      ctx.fail(ApiException.validation("clientMsgId", "1 to 128 characters"));
      return;
    }
    Path file = Path.of(upload.uploadedFileName());
    Future<MessageStore.Sent> sent = access.participant(principal, Api.path(ctx, "id")).compose(a -> {
      String conversationId = a.conversation().id();
      return gateway.messaging().admitPicture(principal.userId(), conversationId, caption, clientMsgId)
          .compose(v -> images.process(file, Profile.MESSAGE))
          .compose(p -> media.store(principal.userId(), conversationId, p))
          .compose(mediaId -> gateway.messaging().sendPicture(principal.userId(), conversationId, caption, clientMsgId, mediaId)
              .compose(s -> {
                // a retried clientMsgId answers the stored message: this upload's copy is not kept
                if (s.duplicate()) {
                  return Bus.request(vertx, Addresses.MEDIA_DELETE, mediaId).map(s);
                }
                return Future.succeededFuture(s);
              }, e -> Bus.request(vertx, Addresses.MEDIA_DELETE, mediaId).transform(x -> Future.failedFuture(e))));
    });
    Api.reply(ctx, 201, sent, s -> json(s.message(), principal.userId()));
  }

  /** A message as {@code reader} sees it: its picture's URL signed for them. */
  private JsonObject json(Message m, String reader) {
    JsonObject json = m.toJson();
    JsonObject image = json.getJsonObject("image");
    if (image != null) {
      image.put("url", gateway.mediaUrls().url(m.image().mediaId(), reader));
    }
    return json;
  }

  private void recall(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    long seq = seq(ctx);
    Api.reply(ctx, 200, access.participant(principal, Api.path(ctx, "id"))
        .compose(a -> gateway.messaging().recall(principal.userId(), a.conversation().id(), seq)), m -> json(m, principal.userId()));
  }

  private void delete(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    long seq = seq(ctx);
    Api.reply(ctx, 200, access.readable(principal, Api.path(ctx, "id"))
        .compose(a -> gateway.messaging().delete(principal.userId(), a.conversation().id(), seq,
            ConversationAccess.canManage(principal, a))), m -> json(m, principal.userId()));
  }
}
