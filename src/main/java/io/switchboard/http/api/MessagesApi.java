package io.switchboard.http.api;

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

  public MessagesApi(Vertx vertx, Gateway gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.access = new ConversationAccess(vertx);
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listMessages").addHandler(this::history);
    routes.getRoute("sendMessage").addHandler(this::send);
    routes.getRoute("recallMessage").addHandler(this::recall);
    routes.getRoute("deleteMessage").addHandler(this::delete);
  }

  private void history(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    Long before = longQuery(ctx, "before");
    Long after = longQuery(ctx, "after");
    int limit = Api.queryInt(ctx, "limit", 50);
    Api.reply(ctx, 200, access.readable(principal, Api.path(ctx, "id"))
        .compose(a -> Bus.request(vertx, Addresses.MESSAGE_HISTORY, new MessageStore.History(a.conversation().id(), before, after, limit))),
        page -> {
          JsonArray items = new JsonArray();
          page.items().forEach(m -> items.add(m.toJson()));
          return new JsonObject().put("items", items).put("hasMore", page.hasMore());
        });
  }

  private static Long longQuery(RoutingContext ctx, String name) {
    String raw = Api.query(ctx, name);
    return raw == null ? null : Long.valueOf(raw);
  }

  private static long seq(RoutingContext ctx) {
    return Api.validated(ctx).getPathParameters().get("seq").getLong();
  }

  private void send(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    JsonObject body = Api.body(ctx);
    Api.reply(ctx, 201, access.participant(principal, Api.path(ctx, "id"))
            .compose(a -> gateway.messaging().send(principal.userId(), a.conversation().id(), body.getString("text"), body.getString("clientMsgId"))),
        sent -> sent.message().toJson());
  }

  private void recall(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    long seq = seq(ctx);
    Api.reply(ctx, 200, access.participant(principal, Api.path(ctx, "id"))
        .compose(a -> gateway.messaging().recall(principal.userId(), a.conversation().id(), seq)), Message::toJson);
  }

  private void delete(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    long seq = seq(ctx);
    Api.reply(ctx, 200, access.readable(principal, Api.path(ctx, "id"))
        .compose(a -> gateway.messaging().delete(principal.userId(), a.conversation().id(), seq,
            ConversationAccess.canManage(principal, a))), Message::toJson);
  }
}
