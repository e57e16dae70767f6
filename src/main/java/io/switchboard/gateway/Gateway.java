package io.switchboard.gateway;

import io.switchboard.cluster.ClusterBroker;
import io.switchboard.cluster.PresenceRegistry;
import io.switchboard.cluster.Topic;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.media.MediaUrls;
import io.switchboard.ops.Meters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the real-time path shares on one node: the broker, the node's subscription table (the broker
 * is subscribed to a topic, a conversation or a user, while any event loop of this node has a socket
 * of it), presence counts, rate limits, the open-socket meters and the message operations.
 * Thread-safe: every event loop's hub uses it.
 */
public final class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final ClusterBroker broker;
  private final PresenceRegistry presence;
  private final Messaging messaging;
  private final Map<Topic, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final Meters meters;
  private final int pingSeconds;
  private final int outboxBytes;
  private final int frameBurst;
  private final double framesPerSecond;
  private final ModuleSockets modules;
  private volatile String banner;
  private final MediaUrls mediaUrls;

  public Gateway(Vertx vertx, AppConfig config, ClusterBroker broker, PresenceRegistry presence, Meters meters,
      ModuleSockets modules) {
    this.broker = broker;
    this.modules = modules;
    this.mediaUrls = new MediaUrls(config);
    this.meters = meters;
    this.presence = presence;
    this.messaging = new Messaging(vertx, broker,
        new RateLimiter(config.get(Settings.RATE_BURST), config.get(Settings.RATE_PER_SECOND)),
        config.get(Settings.TYPING_INTERVAL_SECONDS), config.get(Settings.RECALL_WINDOW_SECONDS), meters);
    this.frameBurst = config.get(Settings.WS_FRAME_BURST);
    this.framesPerSecond = config.get(Settings.WS_FRAMES_PER_SECOND);
    this.pingSeconds = config.get(Settings.WS_PING_SECONDS);
    this.outboxBytes = config.get(Settings.WS_OUTBOX_BYTES);
  }

  public Messaging messaging() {
    return messaging;
  }

  public ClusterBroker broker() {
    return broker;
  }

  /** Signs conversation pictures' URLs for each reader (SPEC §4). */
  public MediaUrls mediaUrls() {
    return mediaUrls;
  }

  /** The frame of the current global banner (SPEC §4), for sockets that open later; null when there is none. */
  public String banner() {
    return banner;
  }

  public void banner(String frame) {
    this.banner = frame;
  }

  /** The module sockets this node holds (SPEC §7). */
  public ModuleSockets modules() {
    return modules;
  }

  /** The node's count of open sockets of a kind, {@code switchboard_sockets_open{kind}}. */
  public AtomicInteger socketsOpen(String kind) {
    return meters.socketsOpen(kind);
  }

  /** The node's meters, for the sockets' delivered and slow-reader counts. */
  public Meters meters() {
    return meters;
  }

  public PresenceRegistry presence() {
    return presence;
  }

  public int pingSeconds() {
    return pingSeconds;
  }

  public int outboxBytes() {
    return outboxBytes;
  }

  /** A new socket's budget of client frames of every type ({@code ws.frameBurst}, {@code ws.framesPerSecond}). */
  public TokenBucket frameBudget() {
    return new TokenBucket(frameBurst, framesPerSecond, System.nanoTime());
  }

  /**
   * An event loop's first socket of a topic: the node subscribes if it is the node's first.
   * Every caller waits for the broker subscription, so that what it reads afterwards (the last seq)
   * is followed by every later event.
   */
  public Future<Void> acquire(Topic topic) {
    Subscription[] created = new Subscription[1];
    Subscription sub = subscriptions.compute(topic, (t, s) -> {
      if (s == null) {
        created[0] = new Subscription();
        return created[0];
      }
      s.holders++;
      return s;
    });
    if (created[0] != null) {
      broker.subscribe(topic).onComplete(created[0].done);
    }
    return onCallerContext(sub.done.future()).onFailure(e -> {
      release(topic);
      log.atWarn().addKeyValue("topic", topic.kind() + ":" + topic.id()).setCause(e).log("broker subscribe failed");
    });
  }

  /** An event loop's last socket of a topic closed: the node unsubscribes after its last. */
  public void release(Topic topic) {
    boolean[] last = new boolean[1];
    subscriptions.computeIfPresent(topic, (t, s) -> {
      last[0] = --s.holders == 0;
      return last[0] ? null : s;
    });
    if (last[0]) {
      broker.unsubscribe(topic)
          .onFailure(e -> log.atWarn().addKeyValue("topic", topic.kind() + ":" + topic.id()).setCause(e).log("broker unsubscribe failed"));
    }
  }

  /** The subscription may complete on another event loop; hand the outcome back to the caller's. */
  private static Future<Void> onCallerContext(Future<Void> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    Promise<Void> answer = Promise.promise();
    future.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        answer.handle(ar);
      } else {
        caller.runOnContext(v -> answer.handle(ar));
      }
    });
    return answer.future();
  }

  /** The conversations this node holds sockets of. */
  public Set<String> heldConversations() {
    return subscriptions.keySet().stream().filter(t -> t.kind() == Topic.Kind.CONVERSATION).map(Topic::id)
        .collect(Collectors.toUnmodifiableSet());
  }

  private static final class Subscription {
    int holders = 1;
    final Promise<Void> done = Promise.promise();
  }
}
