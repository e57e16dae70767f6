package io.switchboard.http.api;

import io.switchboard.NodeContext;
import io.switchboard.auth.AccessChanges;
import io.switchboard.auth.PasswordHasher;
import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.User;
import io.switchboard.domain.event.PermissionsChanged;
import io.switchboard.error.ApiException;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.SessionStore;
import io.switchboard.persistence.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.List;

/**
 * User administration (SPEC §3, {@code users.manage}): list and search, create, change, disable, set
 * groups, within the rules of {@link GrantPolicy}.
 */
public final class AdminUsersApi implements ApiModule {

  static final int DEFAULT_LIMIT = 50;

  private final Vertx vertx;
  private final NodeContext node;
  private final PasswordHasher hasher;
  private final GrantPolicy policy;

  public AdminUsersApi(Vertx vertx, NodeContext node, PasswordHasher hasher) {
    this.vertx = vertx;
    this.node = node;
    this.hasher = hasher;
    this.policy = new GrantPolicy(vertx);
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listUsers").addHandler(this::list);
    routes.getRoute("createUser").addHandler(this::create);
    routes.getRoute("getUser").addHandler(this::get);
    routes.getRoute("updateUser").addHandler(this::update);
    routes.getRoute("deleteUser").addHandler(this::disable);
    routes.getRoute("setUserGroups").addHandler(this::setGroups);
    routes.getRoute("resetUserPassword").addHandler(this::resetPassword);
  }

  private void list(RoutingContext ctx) {
    UserStore.Search search = new UserStore.Search(Api.query(ctx, "q"), Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", DEFAULT_LIMIT));
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.USER_SEARCH, search), page -> page.toJson(User::toJson));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    String username = body.getString("username");
    JsonArray groups = body.getJsonArray("groups");
    List<String> groupNames = groups == null ? List.of("member") : groups.stream().map(String::valueOf).toList();
    boolean superuser = body.getBoolean("superuser", false);
    Principal caller = Api.principal(ctx);
    Future<User> created = GrantPolicy.superuserOnly(caller, superuser, "create a superuser")
        .compose(v -> policy.mayAssign(caller, groupNames))
        .compose(v -> hasher.hash(body.getString("password")))
        .compose(hash -> Bus.request(vertx, Addresses.USER_CREATE,
            new UserStore.CreateUser(username, body.getString("displayName", username), hash, superuser, groupNames)))
        .compose(user -> AuditTrail.record(vertx, ctx, "user.create", user.username(),
            new JsonObject().put("userId", user.id()).put("groups", new JsonArray(user.groups())).put("superuser", superuser)).map(user));
    Api.reply(ctx, 201, created, User::toJson);
  }

  private void get(RoutingContext ctx) {
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.USER_GET, Api.path(ctx, "id")), User::toJson);
  }

  private void update(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    String id = Api.path(ctx, "id");
    Boolean disabled = body.getBoolean("disabled");
    Boolean superuser = body.getBoolean("superuser");
    Principal caller = Api.principal(ctx);
    if (caller.userId().equals(id) && (Boolean.TRUE.equals(disabled) || Boolean.FALSE.equals(superuser))) {
      ctx.fail(ApiException.conflict("you cannot disable your own account or drop your own superuser flag"));
      return;
    }
    String action = Boolean.TRUE.equals(disabled) ? "user.disable" : Boolean.FALSE.equals(disabled) ? "user.enable" : "user.update";
    Future<User> updated = policy.changeableUser(caller, id)
        .compose(target -> GrantPolicy.superuserOnly(caller, superuser != null && superuser != target.superuser(), "set the superuser flag"))
        .compose(v -> Bus.request(vertx, Addresses.USER_UPDATE, new UserStore.UpdateUser(id, body.getString("displayName"), disabled, superuser)))
        .compose(user -> (Boolean.TRUE.equals(disabled) ? endSessions(user.id(), "user_disabled") : Future.<Void>succeededFuture()).map(user))
        .onSuccess(user -> AccessChanges.permissionsChanged(vertx, node, new PermissionsChanged(user.id())))
        .compose(user -> AuditTrail.record(vertx, ctx, action, user.username(), body.copy().put("userId", user.id())).map(user));
    Api.reply(ctx, 200, updated, User::toJson);
  }

  /** Soft delete: the account is disabled (its messages stay) and every session of it ends at once. */
  private void disable(RoutingContext ctx) {
    String id = Api.path(ctx, "id");
    Principal caller = Api.principal(ctx);
    if (caller.userId().equals(id)) {
      ctx.fail(ApiException.conflict("you cannot disable your own account"));
      return;
    }
    Future<User> disabled = policy.changeableUser(caller, id)
        .compose(target -> Bus.request(vertx, Addresses.USER_UPDATE, new UserStore.UpdateUser(id, null, true, null)))
        .compose(user -> endSessions(user.id(), "user_disabled").map(user))
        .onSuccess(user -> AccessChanges.permissionsChanged(vertx, node, new PermissionsChanged(user.id())))
        .compose(user -> AuditTrail.record(vertx, ctx, "user.disable", user.username(), new JsonObject().put("userId", user.id())).map(user));
    Api.noContent(ctx, disabled);
  }

  private void setGroups(RoutingContext ctx) {
    String id = Api.path(ctx, "id");
    List<String> groups = Api.body(ctx).getJsonArray("groups").stream().map(String::valueOf).toList();
    Principal caller = Api.principal(ctx);
    Future<User> updated = GrantPolicy.superuserOnly(caller, caller.userId().equals(id), "change their own groups")
        .compose(v -> policy.changeableUser(caller, id))
        .compose(target -> policy.mayAssign(caller, GrantPolicy.changed(target.groups(), groups)))
        .compose(v -> Bus.request(vertx, Addresses.USER_SET_GROUPS, new UserStore.SetGroups(id, groups)))
        .onSuccess(user -> AccessChanges.permissionsChanged(vertx, node, new PermissionsChanged(user.id())))
        .compose(user -> AuditTrail.record(vertx, ctx, "user.groups", user.username(),
            new JsonObject().put("userId", user.id()).put("groups", new JsonArray(user.groups()))).map(user));
    Api.reply(ctx, 200, updated, User::toJson);
  }

  /**
   * Sets a new password for someone who lost theirs, under the rules of any change to that user (only
   * a superuser resets a superuser's), and ends every session of theirs. Not for one's own: that
   * is {@code PUT /api/me/password}, which asks for the current one.
   */
  private void resetPassword(RoutingContext ctx) {
    String id = Api.path(ctx, "id");
    Principal caller = Api.principal(ctx);
    if (caller.userId().equals(id)) {
      ctx.fail(ApiException.conflict("change your own password with PUT /api/me/password"));
      return;
    }
    Future<Void> reset = policy.changeableUser(caller, id)
        .compose(target -> hasher.hash(Api.body(ctx).getString("password")))
        .compose(hash -> Bus.request(vertx, Addresses.USER_SET_PASSWORD, new UserStore.SetPassword(id, hash)))
        .compose(user -> endSessions(user.id(), "password_reset").map(user))
        .compose(user -> AuditTrail.record(vertx, ctx, "user.password_reset", user.username(), new JsonObject().put("userId", user.id())))
        .mapEmpty();
    Api.noContent(ctx, reset);
  }

  private Future<Void> endSessions(String userId, String reason) {
    return Bus.request(vertx, Addresses.SESSION_REVOKE_USER, new SessionStore.RevokeUser(userId, null, reason)).mapEmpty();
  }
}
