package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.error.ApiException;
import io.switchboard.persistence.store.ConversationStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /ws/chat/{conversationId}} through the {@link SocketGate}: the conversation must exist
 * (404) and be readable by the caller, a participant or anyone signed in for a public room (403).
 */
public final class ChatUpgrade implements Handler<RoutingContext> {

  public static final String PATH = "/ws/chat/:conversationId";

  private final Authenticator authenticator;
  private final ChatHub hub;

  public ChatUpgrade(Authenticator authenticator, ChatHub hub) {
    this.authenticator = authenticator;
    this.hub = hub;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String ref = ctx.pathParam("conversationId");
    SocketGate.upgrade(ctx, hub.sessions(), authenticator, null,
        principal -> Bus.request(hub.vertx(), Addresses.CONVERSATION_LOOKUP, new ConversationStore.Lookup(ref, principal.userId()))
            .compose(access -> access.participant() || access.conversation().publicRoom()
                ? Future.succeededFuture(access)
                : Future.failedFuture(ApiException.forbidden("not a participant of this conversation"))),
        (ws, principal, access, since) -> new ChatSocket(ws, hub, principal, access.conversation(), access.participant(), since));
  }
}
