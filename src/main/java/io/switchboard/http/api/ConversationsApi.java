package io.switchboard.http.api;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Conversation;
import io.switchboard.domain.Permission;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.Gateway;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.ConversationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Conversations, rooms, participants, settings and read markers (SPEC §4). */
public final class ConversationsApi implements ApiModule {

  private final Vertx vertx;
  private final Gateway gateway;
  private final ConversationAccess access;

  public ConversationsApi(Vertx vertx, Gateway gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
    this.access = new ConversationAccess(vertx);
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("createConversation").addHandler(this::create);
    routes.getRoute("listConversations").addHandler(this::listMine);
    routes.getRoute("listRooms").addHandler(this::listRooms);
    routes.getRoute("getConversation").addHandler(this::get);
    routes.getRoute("updateConversation").addHandler(this::update);
    routes.getRoute("joinConversation").addHandler(this::join);
    routes.getRoute("leaveConversation").addHandler(this::leave);
    routes.getRoute("addParticipant").addHandler(this::addParticipant);
    routes.getRoute("removeParticipant").addHandler(this::removeParticipant);
    routes.getRoute("markRead").addHandler(this::markRead);
  }

  private void create(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    JsonObject body = Api.body(ctx);
    String kind = body.getString("kind");
    String name = body.getString("name");
    List<String> participants = new ArrayList<>();
    body.getJsonArray("participants", new JsonArray()).forEach(p -> participants.add(String.valueOf(p)));
    if (Conversation.ROOM.equals(kind)) {
      if (!principal.allows(Permission.ROOMS_CREATE)) {
        ctx.fail(ApiException.forbidden("missing permission " + Permission.ROOMS_CREATE));
        return;
      }
      if (name == null) {
        ctx.fail(ApiException.validation("name", "a room needs a name"));
        return;
      }
      if (looksLikeId(name)) {
        ctx.fail(ApiException.validation("name", "a room name cannot look like an id"));
        return;
      }
    } else {
      name = null;
    }
    boolean isPublic = Conversation.ROOM.equals(kind) && body.getBoolean("public", false);
    Future<ConversationStore.Created> created = Bus.request(vertx, Addresses.CONVERSATION_CREATE,
        new ConversationStore.Create(principal.userId(), kind, body.getString("title"), name, isPublic, participants));
    created.compose(c -> details(c.conversation()).map(json -> new Object[] {c.created() ? 201 : 200, json})).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        Api.json(ctx, (Integer) ar.result()[0], (JsonObject) ar.result()[1]);
      }
    });
  }

  private static boolean looksLikeId(String name) {
    try {
      UUID.fromString(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void listMine(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    var mine = new ConversationStore.Mine(principal.userId(), Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", 50));
    Future<JsonObject> result = Bus.request(vertx, Addresses.CONVERSATION_MINE, mine)
        .compose(page -> gateway.presence().onlineCounts(page.items().stream().map(s -> s.conversation().id()).toList())
            .map(online -> page.toJson(s -> s.conversation().toJson()
                .put("unread", s.unread())
                .put("lastReadSeq", s.lastReadSeq())
                .put("onlineCount", online.getOrDefault(s.conversation().id(), 0)))));
    Api.reply(ctx, 200, result, json -> json);
  }

  private void listRooms(RoutingContext ctx) {
    Api.principal(ctx);
    var rooms = new ConversationStore.Rooms(Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", 50));
    Future<JsonObject> result = Bus.request(vertx, Addresses.CONVERSATION_PUBLIC_ROOMS, rooms)
        .compose(page -> gateway.presence().onlineCounts(page.items().stream().map(r -> r.conversation().id()).toList())
            .map(online -> page.toJson(r -> new JsonObject()
                .put("id", r.conversation().id())
                .put("name", r.conversation().name())
                .put("title", r.conversation().title())
                .put("participantCount", r.participants())
                .put("onlineCount", online.getOrDefault(r.conversation().id(), 0)))));
    Api.reply(ctx, 200, result, json -> json);
  }

  private void get(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    Api.reply(ctx, 200, access.readable(principal, Api.path(ctx, "id"))
        .compose(a -> details(a.conversation()).map(json -> json.put("participant", a.participant()))), json -> json);
  }

  private Future<JsonObject> details(Conversation c) {
    return Future.all(Bus.request(vertx, Addresses.CONVERSATION_PARTICIPANTS, c.id()), gateway.presence().online(c.id())).map(all -> {
      List<ConversationStore.Participant> list = all.resultAt(0);
      List<String> online = all.resultAt(1);
      JsonArray people = new JsonArray();
      list.forEach(p -> people.add(new JsonObject().put("id", p.userId()).put("username", p.username())
          .put("displayName", p.displayName()).put("avatarUrl", p.avatarUrl())));
      return c.toJson().put("participants", people).put("participantCount", list.size())
          .put("online", new JsonArray(online))
          .put("onlineCount", online.size());
    });
  }

  private void update(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    JsonObject body = Api.body(ctx);
    JsonObject retention = body.getJsonObject("retention");
    Future<JsonObject> result = access.manageable(principal, Api.path(ctx, "id"))
        .compose(a -> Bus.request(vertx, Addresses.CONVERSATION_UPDATE, new ConversationStore.Update(a.conversation().id(),
            body.getString("title"), body.getInteger("slowModeSeconds"), retention != null,
            retention == null ? null : retention.getInteger("maxAgeSeconds"),
            retention == null ? null : retention.getInteger("maxMessages"))))
        .compose(this::details);
    Api.reply(ctx, 200, result, json -> json);
  }

  private void join(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    Future<Void> joined = access.lookup(principal, Api.path(ctx, "id")).compose(a -> {
      if (a.participant()) {
        return Future.succeededFuture();
      }
      if (!a.conversation().publicRoom()) {
        return Future.failedFuture(ApiException.forbidden("only public rooms can be joined"));
      }
      return Bus.request(vertx, Addresses.PARTICIPANT_ADD, new ConversationStore.Membership(a.conversation().id(), principal.userId()));
    });
    Api.noContent(ctx, joined);
  }

  private void leave(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    Api.noContent(ctx, access.participant(principal, Api.path(ctx, "id"))
        .compose(a -> removeMember(a.conversation().id(), principal.userId())));
  }

  private void addParticipant(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    String userId = Api.body(ctx).getString("userId");
    Api.noContent(ctx, access.manageable(principal, Api.path(ctx, "id")).compose(a -> {
      if (Conversation.DIRECT.equals(a.conversation().kind())) {
        return Future.failedFuture(ApiException.conflict("a direct conversation keeps its two participants"));
      }
      return Bus.request(vertx, Addresses.PARTICIPANT_ADD, new ConversationStore.Membership(a.conversation().id(), userId));
    }));
  }

  private void removeParticipant(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    String userId = Api.path(ctx, "userId");
    Api.noContent(ctx, access.manageable(principal, Api.path(ctx, "id"))
        .compose(a -> removeMember(a.conversation().id(), userId)));
  }

  private Future<Void> removeMember(String conversationId, String userId) {
    return Bus.request(vertx, Addresses.PARTICIPANT_REMOVE, new ConversationStore.Membership(conversationId, userId)).compose(removed -> {
      if (!removed) {
        return Future.failedFuture(ApiException.notFound("not a participant"));
      }
      gateway.messaging().removed(userId, conversationId);
      return Future.succeededFuture();
    });
  }

  private void markRead(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    long seq = Api.bodyLong(Api.body(ctx), "seq");
    Api.reply(ctx, 200, access.participant(principal, Api.path(ctx, "id"))
            .compose(a -> gateway.messaging().markRead(principal.userId(), a.conversation().id(), seq)),
        marker -> new JsonObject().put("seq", marker));
  }
}
