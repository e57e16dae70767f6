package io.switchboard.http.api;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.http.Api;
import io.switchboard.persistence.store.AuditStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Records an action in the audit log: who (the caller), what, on which target, from which address. */
final class AuditTrail {

  private AuditTrail() {
  }

  static Future<Void> record(Vertx vertx, RoutingContext ctx, String action, String target, JsonObject details) {
    Principal actor = Api.principal(ctx);
    // the store fills in the actor's username from the users table
    return Bus.request(vertx, Addresses.AUDIT_RECORD, new AuditStore.Entry(actor.userId(), null, action, target, Api.clientIp(ctx), details));
  }
}
