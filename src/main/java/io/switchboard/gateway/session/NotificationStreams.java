package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.switchboard.auth.Principal;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/notifications/stream}: the token by {@code Authorization: Bearer} or {@code ?token=}
 * (EventSource cannot set headers), 401 without; {@code Last-Event-ID} or {@code ?lastEventId=}
 * resumes after that id. The client must accept {@code text/event-stream} (EventSource does), 406
 * otherwise, so that a plain client is not left holding a response that never ends.
 */
public final class NotificationStreams implements Handler<RoutingContext> {

  public static final String OPERATION = "streamNotifications";
  static final String EVENT_STREAM = "text/event-stream";

  private final Authenticator authenticator;
  private final UserHub hub;

  public NotificationStreams(Authenticator authenticator, UserHub hub) {
    this.authenticator = authenticator;
    this.hub = hub;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Future<Principal> principal;
    Long since;
    try {
      since = lastEventId(request);
      Principal identified = ctx.get(Principal.KEY);
      String query = request.getParam("token");
      principal = identified != null ? Future.succeededFuture(identified)
          : query != null && !query.isBlank() ? authenticator.authenticate(query)
          : Future.failedFuture(ApiException.unauthorized("authentication required"));
    } catch (ApiException e) {
      principal = Future.failedFuture(e);
      since = null;
    }
    Long after = since;
    principal.compose(p -> accepts(request) ? Future.succeededFuture(p)
            : Future.failedFuture(new ApiException(406, "not_acceptable", "this stream is text/event-stream; send Accept: text/event-stream")))
        .onSuccess(p -> {
          NotificationStream stream = new NotificationStream(hub, p, ctx.response(), after);
          request.connection().shutdownHandler(v -> stream.end());
          stream.start();
        })
        .onFailure(ctx::fail);
  }

  private static boolean accepts(HttpServerRequest request) {
    String accept = request.getHeader("Accept");
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains(EVENT_STREAM);
  }

  private static Long lastEventId(HttpServerRequest request) {
    String header = request.getHeader("Last-Event-ID");
    if (header == null || header.isBlank()) {
      return SocketGate.cursor(request, "lastEventId");
    }
    try {
      long value = Long.parseLong(header.trim());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to the refusal
    }
    throw ApiException.validation("Last-Event-ID", "must be a non-negative integer");
  }
}
