package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /ws/notifications} (token as for conversation sockets) and the old clients'
 * {@code GET /ws/{token}/} (the token in the path) through the {@link SocketGate}: any signed-in user
 * may open their own notification socket; {@code ?since=<notification id>} resumes.
 */
public final class NotificationUpgrade implements Handler<RoutingContext> {

  public static final String PATH = "/ws/notifications";
  public static final String LEGACY_PATH = "/ws/:token/";
  static final String KIND = "notifications";
  static final String LEGACY_KIND = "legacy";

  private final Authenticator authenticator;
  private final UserHub hub;
  private final boolean legacy;

  private NotificationUpgrade(Authenticator authenticator, UserHub hub, boolean legacy) {
    this.authenticator = authenticator;
    this.hub = hub;
    this.legacy = legacy;
  }

  public static NotificationUpgrade current(Authenticator authenticator, UserHub hub) {
    return new NotificationUpgrade(authenticator, hub, false);
  }

  public static NotificationUpgrade legacy(Authenticator authenticator, UserHub hub) {
    return new NotificationUpgrade(authenticator, hub, true);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String pathToken = legacy ? ctx.pathParam("token") : null;
    SocketGate.upgrade(ctx, hub.sessions(), authenticator, pathToken, principal -> Future.succeededFuture(),
        (ws, principal, none, since) -> new NotificationSocket(legacy ? LEGACY_KIND : KIND, ws, hub, principal, since, !legacy));
  }
}
