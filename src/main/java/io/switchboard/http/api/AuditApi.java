package io.switchboard.http.api;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.AuditStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** The audit log, newest first, optionally of one actor or one kind of action ({@code audit.view}). */
public final class AuditApi implements ApiModule {

  private final Vertx vertx;

  public AuditApi(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listAudit").addHandler(this::list);
  }

  private void list(RoutingContext ctx) {
    AuditStore.Query query = new AuditStore.Query(Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", AdminUsersApi.DEFAULT_LIMIT),
        Api.query(ctx, "actor"), Api.query(ctx, "action"));
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.AUDIT_LIST, query), page -> page.toJson(AuditStore.Record::toJson));
  }
}
