package io.switchboard.cluster;

/**
 * What a socket listens to across the cluster: a conversation, a user (every socket and stream of
 * that user, on any node) or everyone. A node subscribes to a topic while it holds a socket of it.
 */
public record Topic(Kind kind, String id) {

  public enum Kind { CONVERSATION, USER, ALL }

  public static final Topic ALL = new Topic(Kind.ALL, "");

  public static Topic conversation(String conversationId) {
    return new Topic(Kind.CONVERSATION, conversationId);
  }

  public static Topic user(String userId) {
    return new Topic(Kind.USER, userId);
  }
}
