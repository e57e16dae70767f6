package io.switchboard.http.api;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Module;
import io.switchboard.domain.event.ModuleCommand;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.ModuleStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * Managing modules (SPEC §7): the list with status ({@code modules.view}), deleting a module and
 * sending it a command ({@code modules.manage}), whichever node holds its socket.
 */
public final class ModulesApi implements ApiModule {

  private final Vertx vertx;

  public ModulesApi(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listModules").addHandler(this::list);
    routes.getRoute("deleteModule").addHandler(this::delete);
    routes.getRoute("sendModuleCommand").addHandler(this::command);
  }

  private void list(RoutingContext ctx) {
    String online = Api.query(ctx, "online");
    ModuleStore.Query q = new ModuleStore.Query(online == null ? null : Boolean.valueOf(online), Api.query(ctx, "q"),
        Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", 50));
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.MODULE_LIST, q), page -> page.toJson(Module::toJson));
  }

  private void delete(RoutingContext ctx) {
    String hash = Api.path(ctx, "hash");
    Api.noContent(ctx, Bus.request(vertx, Addresses.MODULE_REMOVE, hash)
        .compose(v -> AuditTrail.record(vertx, ctx, "module.delete", hash, new JsonObject())));
  }

  private void command(RoutingContext ctx) {
    String hash = Api.path(ctx, "hash");
    Object payload = Api.body(ctx).getValue("payload");
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.MODULE_COMMAND, new ModuleCommand(hash, payload)),
        d -> new JsonObject().put("id", d.id()).put("deliveredAt", d.at().toString()).put("node", d.node()));
  }
}
