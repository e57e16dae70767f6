package io.switchboard.gateway;

import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the real-time path shares on one node: the broker, the node's subscription table (the broker
 * is subscribed to a conversation while any event loop of this node has a socket of it), presence
 * counts, rate limits and the message operations. Thread-safe: every event loop's hub uses it.
 */
public final class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final ClusterBroker broker;
  private final Presence presence = new Presence();
  private final Messaging messaging;
  private final Map<String, Integer> subscriptions = new ConcurrentHashMap<>();
  private final int pingSeconds;
  private final int outboxBytes;

  public Gateway(Vertx vertx, AppConfig config, ClusterBroker broker) {
    this.broker = broker;
    this.messaging = new Messaging(vertx, broker,
        new RateLimiter(config.get(Settings.RATE_BURST), config.get(Settings.RATE_PER_SECOND)),
        config.get(Settings.RECALL_WINDOW_SECONDS));
    this.pingSeconds = config.get(Settings.WS_PING_SECONDS);
    this.outboxBytes = config.get(Settings.WS_OUTBOX_BYTES);
  }

  public Messaging messaging() {
    return messaging;
  }

  public Presence presence() {
    return presence;
  }

  public int pingSeconds() {
    return pingSeconds;
  }

  public int outboxBytes() {
    return outboxBytes;
  }

  /** An event loop's first socket of a conversation: the node subscribes if it is the node's first. */
  public Future<Void> acquire(String conversationId) {
    boolean[] first = new boolean[1];
    subscriptions.compute(conversationId, (id, n) -> {
      first[0] = n == null;
      return n == null ? 1 : n + 1;
    });
    if (!first[0]) {
      return Future.succeededFuture();
    }
    return broker.subscribe(conversationId).onFailure(e -> {
      release(conversationId);
      log.atWarn().addKeyValue("conversation", conversationId).setCause(e).log("broker subscribe failed");
    });
  }

  /** An event loop's last socket of a conversation closed: the node unsubscribes after its last. */
  public void release(String conversationId) {
    boolean[] last = new boolean[1];
    subscriptions.computeIfPresent(conversationId, (id, n) -> {
      last[0] = n == 1;
      return n == 1 ? null : n - 1;
    });
    if (last[0]) {
      broker.unsubscribe(conversationId)
          .onFailure(e -> log.atWarn().addKeyValue("conversation", conversationId).setCause(e).log("broker unsubscribe failed"));
    }
  }
}
