package io.switchboard.auth;

import io.switchboard.NodeContext;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * Turns an access token into a {@link Principal}: signature and expiry (vertx-auth-jwt), the node's
 * revocation list, and the user's current grants (cached at most {@link PermissionCache#TTL_MILLIS}).
 */
public final class Authenticator {

  private final Vertx vertx;
  private final NodeContext node;
  private final TokenService tokens;

  public Authenticator(Vertx vertx, NodeContext node, TokenService tokens) {
    this.vertx = vertx;
    this.node = node;
    this.tokens = tokens;
  }

  public TokenService tokens() {
    return tokens;
  }

  public Future<Principal> authenticate(String token) {
    return tokens.verify(token).compose(claims -> {
      if (node.revocations().isRevoked(claims.sessionId())) {
        return Future.failedFuture(ApiException.unauthorized("session has ended"));
      }
      return grants(claims.userId()).compose(grants -> grants.disabled()
          ? Future.failedFuture(ApiException.unauthorized("account disabled"))
          : Future.succeededFuture(new Principal(claims.userId(), claims.sessionId(), claims.expiresAtEpochSeconds(), grants)));
    });
  }

  public Future<Grants> grants(String userId) {
    long now = System.currentTimeMillis();
    Grants cached = node.permissions().get(userId, now);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return Bus.request(vertx, Addresses.USER_GRANTS, userId)
        .recover(e -> e instanceof ApiException api && api.status() == 404
            ? Future.failedFuture(ApiException.unauthorized("unknown user"))
            : Future.failedFuture(e))
        .onSuccess(g -> node.permissions().put(g, now));
  }

  /** The token of a request: {@code Authorization: Bearer}, or {@code ?token=} where allowed. */
  public static String bearer(HttpServerRequest request, boolean allowQuery) {
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return allowQuery ? request.getParam("token") : null;
  }
}
