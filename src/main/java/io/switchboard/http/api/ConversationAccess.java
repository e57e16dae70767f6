package io.switchboard.http.api;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Conversation;
import io.switchboard.domain.Permission;
import io.switchboard.error.ApiException;
import io.switchboard.persistence.store.ConversationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Who may do what with a conversation: participants read and write; anyone signed in may read a
 * public room, and holders of {@code rooms.moderate} any room (never a direct or group conversation
 * they are not in); the owner and, in rooms, moderators manage it ({@link Conversation#manageableBy}).
 * Outsiders get 403, unknown ids and names 404.
 */
final class ConversationAccess {

  static final String MODERATE = Permission.ROOMS_MODERATE;

  private final Vertx vertx;

  ConversationAccess(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<ConversationStore.Access> lookup(Principal principal, String ref) {
    return Bus.request(vertx, Addresses.CONVERSATION_LOOKUP, new ConversationStore.Lookup(ref, principal.userId()));
  }

  Future<ConversationStore.Access> readable(Principal principal, String ref) {
    return lookup(principal, ref).compose(a -> a.participant() || a.conversation().publicRoom()
            || a.conversation().room() && principal.allows(MODERATE)
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
        : Future.failedFuture(ApiException.forbidden(Conversation.DIRECT.equals(a.conversation().kind())
            ? "a direct conversation has no owner: no one may change it or remove the other"
            : "only the owner or a moderator may do this")));
  }

  static boolean canManage(Principal principal, ConversationStore.Access a) {
    return a.conversation().manageableBy(principal.userId(), principal.allows(MODERATE));
  }
}
