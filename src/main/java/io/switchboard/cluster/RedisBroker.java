package io.switchboard.cluster;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.domain.event.UserEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversation and user events between nodes over the cluster link (channels from {@link Channels}:
 * {@code <prefix>conv:<id>}, {@code <prefix>user:<id>}). An event
 * is delivered on its own node at once (Redis is never on the local path) and published with the
 * origin node id first, so that a node skips its own echo by its first bytes. The frame travels already encoded, so a
 * message is encoded once on the node that stored it and once more on no node.
 */
public final class RedisBroker implements ClusterBroker {

  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

  private final Vertx vertx;
  private final ClusterLink link;
  private final Channels channels;
  private final String origin;
  private final byte[] originPrefix;

  public RedisBroker(Vertx vertx, ClusterLink link, Channels channels, String origin) {
    this.vertx = vertx;
    this.link = link;
    this.channels = channels;
    this.origin = origin;
    this.originPrefix = (origin + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private String channel(String conversationId) {
    return channels.conversation(conversationId);
  }

  /** Whether a link channel carries conversation or user events. */
  public boolean owns(String channel) {
    return channels.isConversation(channel) || channels.isUser(channel);
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

  /** The events of a chunk leave pipelined in this event-loop task, one publish per user. */
  @Override
  public void publishToUsers(List<UserEvent> events) {
    Bus.publish(vertx, Addresses.LOCAL_USER_EVENTS, new UserEvents(events));
    for (UserEvent event : events) {
      link.publish(channels.user(event.userId()), encode(origin, event));
    }
  }

  @Override
  public Future<Void> subscribe(Topic topic) {
    return link.subscribe(channels.of(topic));
  }

  @Override
  public Future<Void> unsubscribe(Topic topic) {
    return link.unsubscribe(channels.of(topic));
  }

  /** A payload from the link on one of {@link #owns(String) our} channels. */
  public void received(String channel, Buffer payload) {
    if (fromSelf(payload)) {
      return;
    }
    if (channels.isUser(channel)) {
      UserEvent event = decodeUser(payload);
      if (event == null) {
        log.atWarn().addKeyValue("channel", channel).log("undecodable user event ignored");
      } else {
        Bus.publish(vertx, Addresses.userTopic(event.userId()), event);
      }
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

  /** A user event's envelope is four lines: origin, user, seq and the frame. */
  static Buffer encode(String origin, UserEvent e) {
    return Buffer.buffer(new StringBuilder(origin.length() + e.userId().length() + e.frame().length() + 24)
        .append(origin).append('\n').append(e.userId()).append('\n').append(e.seq()).append('\n').append(e.frame()).toString());
  }

  static UserEvent decodeUser(Buffer payload) {
    String[] f = payload.toString(StandardCharsets.UTF_8).split("\n", 4);
    if (f.length != 4) {
      return null;
    }
    try {
      return new UserEvent(f[1], Long.parseLong(f[2]), f[3]);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
