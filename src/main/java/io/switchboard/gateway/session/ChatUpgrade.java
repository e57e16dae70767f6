package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.error.ApiException;
import io.switchboard.persistence.store.ConversationStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /ws/chat/{conversationId}}: authenticates (query {@code token}, or the subprotocols
 * {@code bearer, <jwt>}, of which the server selects {@code bearer}), checks the conversation and the
 * caller's right to read it, and only then upgrades, so that refusals are plain HTTP 401/403/404.
 */
public final class ChatUpgrade implements Handler<RoutingContext> {

  public static final String PATH = "/ws/chat/:conversationId";
  public static final String SUBPROTOCOL = "bearer";

  private final Authenticator authenticator;
  private final ChatHub hub;

  public ChatUpgrade(Authenticator authenticator, ChatHub hub) {
    this.authenticator = authenticator;
    this.hub = hub;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      ctx.fail(new ApiException(400, "validation_failed", "this path needs a WebSocket upgrade"));
      return;
    }
    Long since;
    try {
      since = since(request.getParam("since"));
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    String ref = ctx.pathParam("conversationId");
    // paused, the request is not seen as ended while the checks below run, so it can still be upgraded
    request.pause();
    authenticator.authenticate(token(request))
        .compose(principal -> Bus.request(hub.vertx(), Addresses.CONVERSATION_LOOKUP, new ConversationStore.Lookup(ref, principal.userId()))
            .compose(access -> access.participant() || access.conversation().publicRoom()
                ? request.toWebSocket().map(ws -> new ChatSocket(ws, hub, authenticator, principal, access.conversation(), access.participant(), since))
                : Future.failedFuture(ApiException.forbidden("not a participant of this conversation"))))
        .onSuccess(ChatSocket::start)
        .onFailure(e -> {
          if (!ctx.response().headWritten()) {
            request.resume();
            ctx.fail(e);
          }
        });
  }

  private static Long since(String raw) {
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
    throw ApiException.validation("since", "must be a non-negative integer");
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
