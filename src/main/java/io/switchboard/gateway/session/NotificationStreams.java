package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.switchboard.auth.Principal;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code GET /api/notifications/stream}: the token by {@code Authorization: Bearer} or {@code ?token=}
 * (EventSource cannot set headers), 401 without; {@code Last-Event-ID} or {@code ?lastEventId=}
 * resumes after that id. Any client gets the stream (EventSource, or {@code curl} without an
 * {@code Accept}); only one whose {@code Accept} rules out {@code text/event-stream} (say, only
 * {@code application/json}) gets 406.
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
            : Future.failedFuture(new ApiException(406, "not_acceptable", "this stream is text/event-stream, which Accept rules out")))
        .onSuccess(p -> {
          NotificationStream stream = new NotificationStream(hub, p, ctx.response(), after);
          request.connection().shutdownHandler(v -> stream.end());
          stream.start();
        })
        .onFailure(ctx::fail);
  }

  /** Whether {@code Accept} (absent: anything) takes an event stream: that type, any text or any type, with a q above 0. */
  static boolean accepts(HttpServerRequest request) {
    String accept = request.getHeader("Accept");
    if (accept == null || accept.isBlank()) {
      return true;
    }
    for (String range : accept.toLowerCase(Locale.ROOT).split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim();
      if ((type.equals(EVENT_STREAM) || type.equals("text/*") || type.equals("*/*")) && quality(parts) > 0) {
        return true;
      }
    }
    return false;
  }

  private static double quality(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.startsWith("q=")) {
        try {
          return Double.parseDouble(p.substring(2).trim());
        } catch (NumberFormatException e) {
          return 1;
        }
      }
    }
    return 1;
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
