package io.switchboard.cluster;

/**
 * The only place Redis channel names are made: {@code <prefix>node} for node-wide events,
 * {@code <prefix>conv:<id>} per conversation, {@code <prefix>user:<id>} per user and
 * {@code <prefix>all} for everyone.
 */
public final class Channels {

  private final String node;
  private final String conversationPrefix;
  private final String userPrefix;
  private final String all;

  public Channels(String prefix) {
    this.node = prefix + "node";
    this.conversationPrefix = prefix + "conv:";
    this.userPrefix = prefix + "user:";
    this.all = prefix + "all";
  }

  public String node() {
    return node;
  }

  public String conversation(String conversationId) {
    return conversationPrefix + conversationId;
  }

  public String user(String userId) {
    return userPrefix + userId;
  }

  public String of(Topic topic) {
    return switch (topic.kind()) {
      case CONVERSATION -> conversation(topic.id());
      case USER -> user(topic.id());
      case ALL -> all;
    };
  }

  public boolean isConversation(String channel) {
    return channel.startsWith(conversationPrefix);
  }

  public boolean isUser(String channel) {
    return channel.startsWith(userPrefix);
  }
}
