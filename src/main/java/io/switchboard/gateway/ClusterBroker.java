package io.switchboard.gateway;

import io.switchboard.domain.event.ConversationEvent;
import io.vertx.core.Future;
import java.util.List;

/**
 * Carries conversation events to every node that has sockets of the conversation. Events arrive on
 * each node's local topic {@code Addresses.conversationTopic(id)}, except the node's own committed
 * messages, which reach its hubs in one {@code Addresses.LOCAL_MESSAGES} event per commit. A node
 * subscribes to a conversation when its first local socket opens and unsubscribes after its last
 * one closed.
 */
public interface ClusterBroker {

  void publish(String conversationId, ConversationEvent event);

  /**
   * This node's committed messages, in commit order: to this node's hubs at once, as one
   * {@link io.switchboard.bus.Addresses#LOCAL_MESSAGES} event, and to the other nodes.
   */
  void publishMessages(List<ConversationEvent> messages);

  Future<Void> subscribe(String conversationId);

  Future<Void> unsubscribe(String conversationId);
}
