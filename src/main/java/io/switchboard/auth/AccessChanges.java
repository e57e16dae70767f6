package io.switchboard.auth;

import io.switchboard.NodeContext;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.event.PermissionsChanged;
import io.switchboard.domain.event.SessionsRevoked;
import io.vertx.core.Vertx;

/**
 * Announces ended sessions and changed permissions. The node's own caches are updated before the
 * call returns (so the very next request on any event loop sees the change), then the event is
 * published for the gateway, the sockets and, through the cluster link, the other nodes.
 */
public final class AccessChanges {

  private AccessChanges() {
  }

  public static void revoked(Vertx vertx, NodeContext node, SessionsRevoked event) {
    node.revocations().revoke(event);
    node.permissions().invalidate(event.userId());
    Bus.publish(vertx, Addresses.SESSIONS_REVOKED, event);
  }

  public static void permissionsChanged(Vertx vertx, NodeContext node, PermissionsChanged event) {
    node.permissions().invalidate(event.userId());
    Bus.publish(vertx, Addresses.PERMISSIONS_CHANGED, event);
  }
}
