package io.switchboard.gateway;

import io.switchboard.domain.event.ConversationEvent;
import io.vertx.core.Future;

/**
 * Carries conversation events to every node that has sockets of the conversation. Events arrive on
 * each node's local topic {@code Addresses.conversationTopic(id)}. A node subscribes to a
 * conversation when its first local socket opens and unsubscribes after its last one closed.
 */
public interface ClusterBroker {

  void publish(String conversationId, ConversationEvent event);

  Future<Void> subscribe(String conversationId);

  Future<Void> unsubscribe(String conversationId);
}
