package io.switchboard.gateway;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.ClusterLink;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversation events between nodes over the cluster link: channel {@code <prefix>conv:<id>}. An event
 * is delivered on its own node at once (Redis is never on the local path) and published with the
 * origin node id first, so that a node skips its own echo by its first bytes. The frame travels already encoded, so a
 * message is encoded once on the node that stored it and once more on no node.
 */
public final class RedisBroker implements ClusterBroker {

  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

  private final Vertx vertx;
  private final ClusterLink link;
  private final String channelPrefix;
  private final String origin;
  private final byte[] originPrefix;

  public RedisBroker(Vertx vertx, ClusterLink link, String prefix, String origin) {
    this.vertx = vertx;
    this.link = link;
    this.channelPrefix = prefix + "conv:";
    this.origin = origin;
    this.originPrefix = (origin + "\n").getBytes(StandardCharsets.UTF_8);
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
  public void publishMessages(List<ConversationEvent> messages) {
    Bus.publish(vertx, Addresses.LOCAL_MESSAGES, new ConversationEvents(messages));
    for (ConversationEvent event : messages) {
      link.publish(channel(event.conversationId()), encode(origin, event));
    }
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
    if (fromSelf(payload)) {
      return;
    }
    ConversationEvent event = decode(payload);
    if (event == null) {
      log.atWarn().addKeyValue("channel", channel).log("undecodable conversation event ignored");
      return;
    }
    Bus.publish(vertx, Addresses.conversationTopic(event.conversationId()), event);
  }

  /** This node's own publish, echoed by Redis: recognised by its first bytes, without decoding it. */
  private boolean fromSelf(Buffer payload) {
    if (payload.length() < originPrefix.length) {
      return false;
    }
    for (int i = 0; i < originPrefix.length; i++) {
      if (payload.getByte(i) != originPrefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The envelope is six lines: origin, conversation, type, seq, user and the frame (JSON, which holds
   * no raw line break); a missing user or frame is an empty line. Cheaper than JSON at both ends, and
   * the frame travels as it will be written to the sockets.
   */
  static Buffer encode(String origin, ConversationEvent e) {
    String frame = e.frame() == null ? "" : e.frame();
    StringBuilder b = new StringBuilder(origin.length() + e.conversationId().length() + frame.length() + 64)
        .append(origin).append('\n').append(e.conversationId()).append('\n').append(e.type().name()).append('\n')
        .append(e.seq()).append('\n').append(e.userId() == null ? "" : e.userId()).append('\n').append(frame);
    return Buffer.buffer(b.toString());
  }

  /** The event in an envelope, or null when it is not one. */
  static ConversationEvent decode(Buffer payload) {
    String text = payload.toString(StandardCharsets.UTF_8);
    String[] f = text.split("\n", 6);
    if (f.length != 6) {
      return null;
    }
    try {
      return new ConversationEvent(f[1], ConversationEvent.Type.valueOf(f[2]), Long.parseLong(f[3]),
          f[4].isEmpty() ? null : f[4], f[5].isEmpty() ? null : f[5]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
