package io.switchboard.domain.event;

/**
 * Something that happened in a conversation, for its sockets. {@code frame} is the server frame,
 * encoded once per event and written as is to every recipient. {@code seq} orders {@link Type#MESSAGE}
 * events (0 for the others); {@code userId} is who the event is about (typing, read, presence,
 * removal).
 */
public record ConversationEvent(String conversationId, Type type, long seq, String userId, String frame) {

  public enum Type { MESSAGE, RECALLED, DELETED, TYPING, READ, PRESENCE, REMOVED }
}
