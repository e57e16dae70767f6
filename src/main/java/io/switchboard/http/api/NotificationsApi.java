package io.switchboard.http.api;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Notification;
import io.switchboard.error.ApiException;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.NotificationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The notification centre over HTTP (SPEC §6): sending ({@code notifications.send}) and each user's
 * own list and read markers. The contract checks types and lengths; the rules it cannot state
 * (who the recipients are, a blank title, the encoded size of {@code data}) are checked here, and
 * unknown ids by the store, all before anything is stored.
 */
public final class NotificationsApi implements ApiModule {

  /** Largest {@code data}, as UTF-8 encoded JSON. */
  static final int MAX_DATA_BYTES = 16 * 1024;
  private static final Pattern CANONICAL_UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final Vertx vertx;

  public NotificationsApi(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("sendNotification").addHandler(this::send);
    routes.getRoute("countNotificationRecipients").addHandler(this::countRecipients);
    routes.getRoute("listNotifications").addHandler(this::list);
    // its only input is the path id, any text, and one the caller has no notification of is a 404
    // however it looks; the validator would read "-1" or "1.5" as JSON numbers and answer 400
    routes.getRoute("markNotificationRead").setDoValidation(false).addHandler(this::markRead);
    routes.getRoute("markAllNotificationsRead").addHandler(this::markAllRead);
  }

  private void send(RoutingContext ctx) {
    Future<NotificationStore.Sent> sent;
    try {
      NotificationStore.Send send = sendOf(Api.principal(ctx).userId(), Api.body(ctx));
      sent = Bus.request(vertx, Addresses.NOTIFICATION_SEND, send)
          .compose(s -> AuditTrail.record(vertx, ctx, "notification.send", s.id(), new JsonObject()
              .put("title", send.title()).put("all", send.all()).put("userIds", send.userIds().size())
              .put("groupIds", new JsonArray(send.groupIds().stream().map(UUID::toString).toList()))
              .put("recipients", s.recipients())).map(s));
    } catch (ApiException e) {
      sent = Future.failedFuture(e);
    }
    Api.reply(ctx, 201, sent, s -> new JsonObject().put("id", s.id()).put("recipients", s.recipients()));
  }

  /** How many users a send to these recipients would reach now (the compose form's preview). */
  private void countRecipients(RoutingContext ctx) {
    Future<Long> count;
    try {
      count = Bus.request(vertx, Addresses.NOTIFICATION_COUNT_RECIPIENTS, recipientsOf(Api.principal(ctx).userId(), Api.body(ctx)));
    } catch (ApiException e) {
      count = Future.failedFuture(e);
    }
    Api.reply(ctx, 200, count, n -> new JsonObject().put("recipients", n));
  }

  private static NotificationStore.Send recipientsOf(String senderId, JsonObject body) {
    boolean all = body.getBoolean("all", false);
    JsonArray userIds = body.getJsonArray("userIds");
    JsonArray groupIds = body.getJsonArray("groupIds");
    if (all && (userIds != null || groupIds != null)) {
      throw ApiException.validation("all", "all: true sends to every user; give userIds and groupIds only without it");
    }
    List<UUID> users = ids(userIds, "userIds");
    List<UUID> groups = ids(groupIds, "groupIds");
    if (!all && users.isEmpty() && groups.isEmpty()) {
      throw ApiException.validation("userIds", "no recipients: give userIds, groupIds or all: true");
    }
    return new NotificationStore.Send(senderId, all, users, groups, null, null, null);
  }

  /** The send a valid body asks for; a 400 naming the field otherwise. */
  static NotificationStore.Send sendOf(String senderId, JsonObject body) {
    NotificationStore.Send to = recipientsOf(senderId, body);
    String title = body.getString("title");
    if (title == null || title.isBlank()) {
      throw ApiException.validation("title", "must not be blank");
    }
    JsonObject data = body.getJsonObject("data", new JsonObject());
    String encoded = data.encode();
    if (encoded.getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
      throw ApiException.validation("data", "larger than " + MAX_DATA_BYTES + " bytes encoded");
    }
    return new NotificationStore.Send(senderId, to.all(), to.userIds(), to.groupIds(), title, body.getString("body", ""), encoded);
  }

  private static List<UUID> ids(JsonArray array, String field) {
    if (array == null) {
      return List.of();
    }
    Set<UUID> ids = new LinkedHashSet<>();
    for (Object raw : array) {
      if (!(raw instanceof String s) || !CANONICAL_UUID.matcher(s).matches()) {
        throw ApiException.validation(field, "not an id: " + raw);
      }
      ids.add(UUID.fromString(s));
    }
    return new ArrayList<>(ids);
  }

  private void list(RoutingContext ctx) {
    NotificationStore.Query q = new NotificationStore.Query(Api.principal(ctx).userId(), "true".equals(Api.query(ctx, "unread")),
        Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", AdminUsersApi.DEFAULT_LIMIT));
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.NOTIFICATION_LIST, q),
        l -> l.page().toJson(Notification::toJson).put("unreadCount", l.unreadCount()));
  }

  private void markRead(RoutingContext ctx) {
    NotificationStore.MarkRead m = new NotificationStore.MarkRead(Api.principal(ctx).userId(), ctx.pathParam("id"));
    Api.noContent(ctx, Bus.request(vertx, Addresses.NOTIFICATION_MARK_READ, m));
  }

  private void markAllRead(RoutingContext ctx) {
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.NOTIFICATION_MARK_ALL_READ, Api.principal(ctx).userId()),
        n -> new JsonObject().put("marked", n));
  }
}
