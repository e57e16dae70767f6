package io.switchboard.gateway.session;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.ModuleSockets;
import io.switchboard.persistence.store.ModuleStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /websocket?hash=<module hash>} through the {@link SocketGate}, whose credential here is
 * the hash: the module's row is taken over by the new socket before the upgrade (so the module is
 * online from the moment its socket opens); an unknown hash is a 404 and no upgrade.
 */
public final class ModuleUpgrade implements Handler<RoutingContext> {

  public static final String PATH = "/websocket";
  static final String KIND = "modules";

  private final Vertx vertx;
  private final Sessions sessions;
  private final ModuleSockets modules;

  private record Admitted(ModuleStore.Connected connected, String connection) {
  }

  public ModuleUpgrade(Sessions sessions, ModuleSockets modules) {
    this.vertx = sessions.vertx();
    this.sessions = sessions;
    this.modules = modules;
  }

  @Override
  public void handle(RoutingContext ctx) {
    SocketGate.admit(ctx, sessions, request -> {
      String hash = request.getParam("hash");
      if (hash == null || hash.isBlank()) {
        return Future.failedFuture(ApiException.notFound("no such module"));
      }
      String connection = ModuleSockets.newConnection();
      return Bus.request(vertx, Addresses.MODULE_CONNECT, new ModuleStore.Connect(hash, modules.nodeId(), connection))
          .map(connected -> new Admitted(connected, connection));
    }, (ws, admitted) -> new ModuleSocket(ws, sessions, modules, admitted.connected(), admitted.connection()),
        admitted -> modules.abandoned(admitted.connected(), admitted.connection()));
  }
}
