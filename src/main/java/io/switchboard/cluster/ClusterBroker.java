package io.switchboard.cluster;

import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.UserEvents;
import io.vertx.core.Future;

/**
 * Carries events to every node that has sockets of their {@link Topic}. Conversation events arrive
 * on each node's local topic {@code Addresses.conversationTopic(id)}, user events on
 * {@code Addresses.userTopic(id)}; the node's own committed messages and its own user events reach
 * its hubs in one event per batch ({@code Addresses.LOCAL_MESSAGES}, {@code Addresses.LOCAL_USER_EVENTS}).
 * A node subscribes to a topic when its first local socket of it opens and unsubscribes after its
 * last one closed.
 */
public interface ClusterBroker {

  void publish(String conversationId, ConversationEvent event);

  /**
   * This node's committed messages, in commit order: to this node's hubs at once, as one
   * {@link io.switchboard.bus.Addresses#LOCAL_MESSAGES} event, and to the other nodes.
   */
  void publishMessages(ConversationEvents messages);

  /**
   * One bounded chunk of events for users: to this node's hubs as one
   * {@link io.switchboard.bus.Addresses#LOCAL_USER_EVENTS} event, and to each user's channel.
   */
  void publishToUsers(UserEvents chunk);

  /**
   * A frame for every node's notification sockets and streams (filtered there by permission): to this
   * node's as one {@link io.switchboard.bus.Addresses#LOCAL_BROADCAST} event, and to every other node.
   */
  void broadcast(Broadcast event);

  Future<Void> subscribe(Topic topic);

  Future<Void> unsubscribe(Topic topic);
}
