package io.switchboard.http;

import io.switchboard.auth.Authenticator;
import io.switchboard.auth.Principal;
import io.switchboard.error.ApiException;
import io.switchboard.ops.MetricsEndpoint;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authentication and permission checks for the HTTP API. {@link #identify()} runs for every request
 * and attaches the {@link Principal} when a bearer token is sent (a bad token is a 401 at once);
 * {@link #require(String)} is mounted on each operation whose contract has {@code security}, with the
 * permission named by the operation's {@code x-permission}, so the contract is the one place where
 * routes declare what they need. The token check is asynchronous: JSON bodies have been read before it,
 * multipart uploads wait paused until their route's reader ({@link Uploads}) runs after the guard.
 */
final class AuthGuard {

  static final String PERMISSION_EXTENSION = "x-permission";

  private final Authenticator authenticator;

  AuthGuard(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  Handler<RoutingContext> identify() {
    return ctx -> {
      String token = Authenticator.bearer(ctx.request(), false);
      // /metrics checks its own token, which is no access token
      if (token == null || ctx.request().path().startsWith("/ws/") || ctx.request().path().equals(MetricsEndpoint.PATH)) {
        ctx.next();
        return;
      }
      authenticator.authenticate(token).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.put(Principal.KEY, ar.result());
          ctx.next();
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  Handler<RoutingContext> require(String permission) {
    return ctx -> {
      Principal principal = ctx.get(Principal.KEY);
      if (principal == null) {
        ctx.fail(ApiException.unauthorized("authentication required"));
      } else if (permission != null && !principal.allows(permission)) {
        ctx.fail(ApiException.forbidden("missing permission " + permission));
      } else {
        ctx.next();
      }
    };
  }
}
