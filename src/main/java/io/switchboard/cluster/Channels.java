package io.switchboard.cluster;

/**
 * The only place Redis channel names are made: {@code <prefix>node} for node-wide events,
 * {@code <prefix>conv:<id>} per conversation, {@code <prefix>user:<id>} per user,
 * {@code <prefix>users} for user events in bulk (every node listens), {@code <prefix>all} for
 * everyone and {@code <prefix>inbox:<id>} for one node. On a Redis Cluster every one of them is a
 * sharded channel ({@link RedisClusterLink}); the names carry no hash tag, so conversations and users
 * spread over the shards by the CRC16 of their whole name.
 */
public final class Channels {

  private final String node;
  private final String conversationPrefix;
  private final String userPrefix;
  private final String all;
  private final String users;
  private final String inboxPrefix;

  public Channels(String prefix) {
    this.node = prefix + "node";
    this.conversationPrefix = prefix + "conv:";
    this.userPrefix = prefix + "user:";
    this.all = prefix + "all";
    this.users = prefix + "users";
    this.inboxPrefix = prefix + "inbox:";
  }

  /** User events in bulk: a chunk of many users' events in one message, heard by every node. */
  public String users() {
    return users;
  }

  public String node() {
    return node;
  }

  /** Everyone's: frames for every node's notification sockets (module changes, banners). */
  public String all() {
    return all;
  }

  /** One node's own: requests addressed to that node and the answers to its requests. */
  public String inbox(String nodeId) {
    return inboxPrefix + nodeId;
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
