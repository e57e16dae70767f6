package io.switchboard.cluster;

/**
 * The only place Redis channel names are made: {@code <prefix>node} for node-wide events,
 * {@code <prefix>conv:<id>} per conversation, {@code <prefix>user:<id>} per user,
 * {@code <prefix>users} for user events in bulk (every node listens) and {@code <prefix>all} for
 * everyone.
 */
public final class Channels {

  private final String node;
  private final String conversationPrefix;
  private final String userPrefix;
  private final String all;
  private final String users;

  public Channels(String prefix) {
    this.node = prefix + "node";
    this.conversationPrefix = prefix + "conv:";
    this.userPrefix = prefix + "user:";
    this.all = prefix + "all";
    this.users = prefix + "users";
  }

  /** User events in bulk: a chunk of many users' events in one message, heard by every node. */
  public String users() {
    return users;
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
