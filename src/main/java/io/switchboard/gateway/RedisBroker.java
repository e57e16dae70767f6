package io.switchboard.gateway;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.ClusterLink;
import io.switchboard.domain.event.ConversationEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversation events between nodes over the cluster link: channel {@code <prefix>conv:<id>}. An event
 * is delivered on its own node at once (Redis is never on the local path) and published with the
 * origin node id, so that a node ignores its own echo. The frame travels already encoded, so a
 * message is encoded once on the node that stored it and once more on no node.
 */
public final class RedisBroker implements ClusterBroker {

  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

  private final Vertx vertx;
  private final ClusterLink link;
  private final String channelPrefix;
  private final String origin;

  public RedisBroker(Vertx vertx, ClusterLink link, String prefix, String origin) {
    this.vertx = vertx;
    this.link = link;
    this.channelPrefix = prefix + "conv:";
    this.origin = origin;
  }

  public String channel(String conversationId) {
    return channelPrefix + conversationId;
  }

  /** Whether a link channel carries conversation events. */
  public boolean owns(String channel) {
    return channel.startsWith(channelPrefix);
  }

  @Override
  public void publish(String conversationId, ConversationEvent event) {
    Bus.publish(vertx, Addresses.conversationTopic(conversationId), event);
    link.publish(channel(conversationId), encode(origin, event));
  }

  @Override
  public Future<Void> subscribe(String conversationId) {
    return link.subscribe(channel(conversationId));
  }

  @Override
  public Future<Void> unsubscribe(String conversationId) {
    return link.unsubscribe(channel(conversationId));
  }

  /** A payload from the link on one of {@link #owns(String) our} channels. */
  public void received(String channel, Buffer payload) {
    JsonObject json;
    try {
      json = new JsonObject(payload);
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("channel", channel).log("undecodable conversation event ignored");
      return;
    }
    if (origin.equals(json.getString("o"))) {
      return;
    }
    ConversationEvent event = decode(json);
    Bus.publish(vertx, Addresses.conversationTopic(event.conversationId()), event);
  }

  static Buffer encode(String origin, ConversationEvent e) {
    JsonObject json = new JsonObject().put("o", origin).put("c", e.conversationId()).put("t", e.type().name())
        .put("s", e.seq()).put("u", e.userId());
    if (e.frame() != null) {
      json.put("f", e.frame());
    }
    return json.toBuffer();
  }

  static ConversationEvent decode(JsonObject json) {
    return new ConversationEvent(json.getString("c"), ConversationEvent.Type.valueOf(json.getString("t")),
        json.getLong("s", 0L), json.getString("u"), json.getString("f"));
  }
}
