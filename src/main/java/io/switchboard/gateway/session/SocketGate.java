package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.switchboard.auth.Principal;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The upgrade gate of every socket kind: finds the token (query {@code token}, the subprotocols
 * {@code bearer, <jwt>} of which the server selects {@code bearer}, or the path), authenticates it
 * and runs the kind's access check, and only then upgrades, so that refusals are plain HTTP
 * 401/403/404. The socket is started on its connection's event loop.
 */
public final class SocketGate {

  public static final String SUBPROTOCOL = "bearer";

  private SocketGate() {
  }

  /** Opens the kind's session on an upgraded socket, with what the access check answered. */
  @FunctionalInterface
  public interface Opener<A> {
    Session open(ServerWebSocket ws, Principal principal, A access, Long since);
  }

  /**
   * Upgrades once {@code pathToken} (if not null, else the query, subprotocol or header) is a valid
   * token and {@code access} succeeded for its principal; else answers the failure as HTTP. The
   * optional {@code ?since=} resume cursor is checked first (400 naming it) and handed to the session.
   */
  public static <A> void upgrade(RoutingContext ctx, Sessions sessions, Authenticator authenticator, String pathToken,
      Function<Principal, Future<A>> access, Opener<A> opener) {
    Long since;
    try {
      since = cursor(ctx.request(), "since");
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    record Admitted<A>(Principal principal, A access) {
    }
    String token = pathToken != null ? pathToken : token(ctx.request());
    admit(ctx, sessions, request -> authenticator.authenticate(token)
            .compose(principal -> access.apply(principal).map(granted -> new Admitted<>(principal, granted))),
        (ws, admitted) -> opener.open(ws, admitted.principal(), admitted.access(), since), admitted -> { });
  }

  /**
   * The gate of every kind, whatever its credential: upgrades once {@code admit} succeeded, else
   * answers its failure as HTTP (401/403/404). {@code admit} runs in its turn ({@link UpgradeAdmission}). {@code abandoned} gets what was admitted when the
   * upgrade itself then failed (the client left), to undo what admitting did.
   */
  public static <A> void admit(RoutingContext ctx, Sessions sessions, Function<HttpServerRequest, Future<A>> admit,
      BiFunction<ServerWebSocket, A, Session> opener, Consumer<A> abandoned) {
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      ctx.fail(new ApiException(400, "validation_failed", "this path needs a WebSocket upgrade"));
      return;
    }
    // paused, the request is not seen as ended while the checks below run, so it can still be upgraded
    request.pause();
    sessions.admission().admit(() -> admit.apply(request))
        .compose(admitted -> request.toWebSocket()
            .onFailure(e -> abandoned.accept(admitted))
            .map(ws -> {
              detach(ctx);
              LeanConnection.trim(request);
              return opener.apply(ws, admitted);
            }))
        .onSuccess(Session::start)
        .onFailure(e -> {
          if (!ctx.response().headWritten()) {
            request.resume();
            ctx.fail(e);
          }
        });
  }

  /**
   * Vert.x keeps the upgrade request, its response and its connection for as long as the socket lives
   * (the socket's channel handler holds the handshake that made it). The router's handlers on that
   * response would keep the whole routing context too (its data, body, end handlers, the request
   * wrapper): they never run once the connection is a WebSocket, so they are dropped, and so are the
   * headers of the 101, which are written.
   */
  private static void detach(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response.endHandler(null).closeHandler(null).exceptionHandler(null).headersEndHandler(null).bodyEndHandler(null);
    response.headers().clear();
  }

  /** The resume cursor {@code param}, or null; a 400 naming it when it is not a non-negative integer. */
  public static Long cursor(HttpServerRequest request, String param) {
    String raw = request.getParam(param);
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the refusal
    }
    throw ApiException.validation(param, "must be a non-negative integer");
  }

  private static String token(HttpServerRequest request) {
    String query = request.getParam("token");
    if (query != null && !query.isBlank()) {
      return query;
    }
    String protocols = request.getHeader("Sec-WebSocket-Protocol");
    if (protocols != null) {
      String[] offered = protocols.split(",");
      if (offered.length >= 2 && SUBPROTOCOL.equalsIgnoreCase(offered[0].trim())) {
        return offered[1].trim();
      }
    }
    return Authenticator.bearer(request, false);
  }
}
