package io.switchboard.http.api;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.error.ApiException;
import io.switchboard.persistence.store.ConversationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Who may do what with a conversation: participants read and write; anyone signed in may read a
 * public room; the owner and holders of {@code rooms.moderate} manage it. Outsiders get 403, unknown
 * ids and names 404.
 */
final class ConversationAccess {

  static final String MODERATE = "rooms.moderate";

  private final Vertx vertx;

  ConversationAccess(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<ConversationStore.Access> lookup(Principal principal, String ref) {
    return Bus.request(vertx, Addresses.CONVERSATION_LOOKUP, new ConversationStore.Lookup(ref, principal.userId()));
  }

  Future<ConversationStore.Access> readable(Principal principal, String ref) {
    return lookup(principal, ref).compose(a -> a.participant() || a.conversation().publicRoom() || principal.allows(MODERATE)
        ? Future.succeededFuture(a)
        : Future.failedFuture(ApiException.forbidden("not a participant of this conversation")));
  }

  Future<ConversationStore.Access> participant(Principal principal, String ref) {
    return lookup(principal, ref).compose(a -> a.participant()
        ? Future.succeededFuture(a)
        : Future.failedFuture(ApiException.forbidden("not a participant of this conversation")));
  }

  Future<ConversationStore.Access> manageable(Principal principal, String ref) {
    return lookup(principal, ref).compose(a -> canManage(principal, a)
        ? Future.succeededFuture(a)
        : Future.failedFuture(ApiException.forbidden("only the owner or a moderator may do this")));
  }

  static boolean canManage(Principal principal, ConversationStore.Access a) {
    return principal.userId().equals(a.conversation().ownerId()) || principal.allows(MODERATE);
  }
}
