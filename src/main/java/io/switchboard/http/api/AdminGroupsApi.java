package io.switchboard.http.api;

import io.switchboard.NodeContext;
import io.switchboard.auth.AccessChanges;
import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Group;
import io.switchboard.domain.Page;
import io.switchboard.domain.Permission;
import io.switchboard.domain.event.PermissionsChanged;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.GroupStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.List;

/**
 * Group administration (SPEC §3, {@code groups.manage}), within the rules of {@link GrantPolicy}.
 * Any change to what a group grants or who is in it is announced on
 * {@link Addresses#PERMISSIONS_CHANGED}, so cached grants are dropped at once.
 */
public final class AdminGroupsApi implements ApiModule {

  private final Vertx vertx;
  private final NodeContext node;
  private final GrantPolicy policy;

  public AdminGroupsApi(Vertx vertx, NodeContext node) {
    this.vertx = vertx;
    this.node = node;
    this.policy = new GrantPolicy(vertx);
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listGroups").addHandler(this::list);
    routes.getRoute("createGroup").addHandler(this::create);
    routes.getRoute("getGroup").addHandler(this::get);
    routes.getRoute("updateGroup").addHandler(this::update);
    routes.getRoute("deleteGroup").addHandler(this::delete);
    routes.getRoute("setGroupPermissions").addHandler(this::setPermissions);
    routes.getRoute("listPermissions").addHandler(this::permissions);
  }

  private void list(RoutingContext ctx) {
    GroupStore.Query query = new GroupStore.Query(Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", AdminUsersApi.DEFAULT_LIMIT));
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.GROUP_LIST, query), page -> page.toJson(Group::toJson));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    List<String> permissions = names(body.getJsonArray("permissions"));
    Future<Group> created = GrantPolicy.mayGrant(Api.principal(ctx), permissions)
        .compose(v -> Bus.request(vertx, Addresses.GROUP_CREATE,
            new GroupStore.CreateGroup(body.getString("name"), body.getString("description", ""), permissions)))
        .compose(group -> audit(ctx, "group.create", group).map(group));
    Api.reply(ctx, 201, created, Group::toJson);
  }

  private void get(RoutingContext ctx) {
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.GROUP_GET, Api.path(ctx, "id")), Group::toJson);
  }

  private void update(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    String id = Api.path(ctx, "id");
    Future<Group> updated = policy.changeableGroup(Api.principal(ctx), id)
        .compose(g -> Bus.request(vertx, Addresses.GROUP_UPDATE, new GroupStore.UpdateGroup(id, body.getString("name"), body.getString("description"))))
        .compose(group -> audit(ctx, "group.update", group).map(group));
    Api.reply(ctx, 200, updated, Group::toJson);
  }

  private void delete(RoutingContext ctx) {
    String id = Api.path(ctx, "id");
    Future<Group> deleted = policy.changeableGroup(Api.principal(ctx), id)
        .compose(g -> Bus.request(vertx, Addresses.GROUP_DELETE, id))
        .onSuccess(group -> AccessChanges.permissionsChanged(vertx, node, new PermissionsChanged(null)))
        .compose(group -> audit(ctx, "group.delete", group).map(group));
    Api.noContent(ctx, deleted);
  }

  private void setPermissions(RoutingContext ctx) {
    List<String> permissions = names(Api.body(ctx).getJsonArray("permissions"));
    String id = Api.path(ctx, "id");
    Principal caller = Api.principal(ctx);
    Future<Group> updated = policy.changeableGroup(caller, id)
        .compose(group -> GrantPolicy.mayGrant(caller, GrantPolicy.changed(group.permissions(), permissions)))
        .compose(v -> Bus.request(vertx, Addresses.GROUP_SET_PERMISSIONS, new GroupStore.SetPermissions(id, permissions)))
        .onSuccess(group -> AccessChanges.permissionsChanged(vertx, node, new PermissionsChanged(null)))
        .compose(group -> audit(ctx, "group.permissions", group).map(group));
    Api.reply(ctx, 200, updated, Group::toJson);
  }

  private void permissions(RoutingContext ctx) {
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.PERMISSION_LIST, (Void) null),
        list -> new Page<>(list, null).toJson(Permission::toJson));
  }

  private Future<Void> audit(RoutingContext ctx, String action, Group group) {
    return AuditTrail.record(vertx, ctx, action, group.name(), new JsonObject().put("groupId", group.id())
        .put("description", group.description()).put("permissions", new JsonArray(group.permissions())));
  }

  private static List<String> names(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
