package io.switchboard.cluster;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvents;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.domain.event.UserEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

  /**
   * A chunk of at least this many user events is published once, on the bulk channel every node
   * hears, instead of once per user's channel: a send to 100,000 users costs 200 publishes, not
   * 100,000, and each node keeps the events of the users it holds. Smaller chunks go to the users'
   * own channels, which only the nodes holding those users hear.
   */
  static final int BULK_AT = 16;

  /** Whether a link channel carries conversation or user events. */
  public boolean owns(String channel) {
    return channels.isConversation(channel) || channels.isUser(channel) || channel.equals(channels.users())
        || channel.equals(channels.all());
  }

  /** Listens to the bulk user channel and to everyone's, for as long as the node runs (the link subscribes again after an outage). */
  public Future<Void> start() {
    return Future.all(link.subscribe(channels.users()), link.subscribe(channels.all())).mapEmpty();
  }

  @Override
  public void broadcast(Broadcast event) {
    Bus.publish(vertx, Addresses.LOCAL_BROADCAST, event);
    link.publish(channels.all(), encode(origin, event));
  }

  @Override
  public void publish(String conversationId, ConversationEvent event) {
    Bus.publish(vertx, Addresses.conversationTopic(conversationId), event);
    link.publish(channel(conversationId), encode(origin, event));
  }

  @Override
  public void publishMessages(ConversationEvents messages) {
    Bus.publish(vertx, Addresses.LOCAL_MESSAGES, messages);
    for (ConversationEvent event : messages.events()) {
      link.publish(channel(event.conversationId()), encode(origin, event));
    }
  }

  /** The events of a chunk leave pipelined in this event-loop task: one bulk publish, or one per user for a small chunk. */
  @Override
  public void publishToUsers(UserEvents chunk) {
    Bus.publish(vertx, Addresses.LOCAL_USER_EVENTS, chunk);
    List<UserEvent> events = chunk.events();
    if (events.size() >= BULK_AT) {
      link.publish(channels.users(), encodeBulk(origin, chunk));
      return;
    }
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
    if (channel.equals(channels.users())) {
      UserEvents chunk = decodeBulk(payload);
      if (chunk == null) {
        log.atWarn().addKeyValue("channel", channel).log("undecodable user events ignored");
      } else {
        // every hub of the node keeps the events of the users it holds, as for this node's own sends
        Bus.publish(vertx, Addresses.LOCAL_USER_EVENTS, chunk);
      }
      return;
    }
    if (channel.equals(channels.all())) {
      Broadcast event = decodeBroadcast(payload);
      if (event == null) {
        log.atWarn().addKeyValue("channel", channel).log("undecodable broadcast ignored");
      } else {
        Bus.publish(vertx, Addresses.LOCAL_BROADCAST, event);
      }
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

  /**
   * Many user events in one envelope: origin, then {@code T}, the frame's head and tail and two lines
   * per event (user, seq) when the chunk is templated; else {@code F} and three lines per event
   * (user, seq, frame).
   */
  static Buffer encodeBulk(String origin, UserEvents chunk) {
    StringBuilder b = new StringBuilder(origin.length() + chunk.events().size() * 64).append(origin);
    if (chunk.templated()) {
      b.append("\nT\n").append(chunk.frameHead()).append('\n').append(chunk.frameTail());
      for (UserEvent e : chunk.events()) {
        b.append('\n').append(e.userId()).append('\n').append(e.seq());
      }
    } else {
      b.append("\nF");
      for (UserEvent e : chunk.events()) {
        b.append('\n').append(e.userId()).append('\n').append(e.seq()).append('\n').append(e.frame());
      }
    }
    return Buffer.buffer(b.toString());
  }

  /** The chunk in a bulk envelope, or null when it is not one. */
  static UserEvents decodeBulk(Buffer payload) {
    String[] f = payload.toString(StandardCharsets.UTF_8).split("\n", -1);
    try {
      if (f.length >= 6 && f[1].equals("T") && (f.length - 4) % 2 == 0) {
        String head = f[2];
        String tail = f[3];
        List<UserEvent> events = new ArrayList<>((f.length - 4) / 2);
        for (int i = 4; i < f.length; i += 2) {
          long seq = Long.parseLong(f[i + 1]);
          events.add(new UserEvent(f[i], seq, head + seq + tail));
        }
        return new UserEvents(events, head, tail);
      }
      if (f.length >= 5 && f[1].equals("F") && (f.length - 2) % 3 == 0) {
        List<UserEvent> events = new ArrayList<>((f.length - 2) / 3);
        for (int i = 2; i < f.length; i += 3) {
          events.add(new UserEvent(f[i], Long.parseLong(f[i + 1]), f[i + 2]));
        }
        return new UserEvents(events);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
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

  /** A broadcast's envelope is five lines: origin, type, permission (empty: none), C (chat sockets too) or N, and the frame. */
  static Buffer encode(String origin, Broadcast e) {
    return Buffer.buffer(origin + '\n' + e.type() + '\n' + (e.permission() == null ? "" : e.permission()) + '\n'
        + (e.chatSockets() ? 'C' : 'N') + '\n' + e.frame());
  }

  static Broadcast decodeBroadcast(Buffer payload) {
    String[] f = payload.toString(StandardCharsets.UTF_8).split("\n", 5);
    if (f.length != 5 || f[1].isEmpty() || !(f[3].equals("C") || f[3].equals("N"))) {
      return null;
    }
    return new Broadcast(f[1], f[4], f[2].isEmpty() ? null : f[2], f[3].equals("C"));
  }
}
