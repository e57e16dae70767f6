package io.switchboard.domain.event;

import java.util.List;

/**
 * Events of any conversations, in the order they happened; each node's hubs take those of their conversations.
 * {@code committedNanos}: when this node committed them ({@link StoredMessages#committedNanos()}).
 */
public record ConversationEvents(List<ConversationEvent> events, long committedNanos) {
}
