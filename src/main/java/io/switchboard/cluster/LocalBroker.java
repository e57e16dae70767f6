package io.switchboard.cluster;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.UserEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A single node: events go straight to the node's local topics, so there is nothing to subscribe to. */
public final class LocalBroker implements ClusterBroker {

  private final Vertx vertx;

  public LocalBroker(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void publish(String conversationId, ConversationEvent event) {
    Bus.publish(vertx, Addresses.conversationTopic(conversationId), event);
  }

  @Override
  public void publishMessages(ConversationEvents messages) {
    Bus.publish(vertx, Addresses.LOCAL_MESSAGES, messages);
  }

  @Override
  public void publishToUsers(UserEvents chunk) {
    Bus.publish(vertx, Addresses.LOCAL_USER_EVENTS, chunk);
  }

  @Override
  public void broadcast(Broadcast event) {
    Bus.publish(vertx, Addresses.LOCAL_BROADCAST, event);
  }

  @Override
  public Future<Void> subscribe(Topic topic) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unsubscribe(Topic topic) {
    return Future.succeededFuture();
  }
}
