package io.switchboard.gateway;

import io.switchboard.NodeContext;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.Channels;
import io.switchboard.cluster.ClusterBroker;
import io.switchboard.cluster.ClusterLink;
import io.switchboard.cluster.LocalBroker;
import io.switchboard.cluster.LocalPresence;
import io.switchboard.cluster.PresenceRegistry;
import io.switchboard.cluster.RedisBroker;
import io.switchboard.cluster.RedisPresence;
import io.switchboard.cluster.NodeEvents;
import io.switchboard.cluster.NodeInbox;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.cluster.RedisCommands;
import io.switchboard.config.Settings;
import io.switchboard.domain.event.LinkRestored;
import io.switchboard.domain.event.ParticipantsReloaded;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns what is per node in the real-time path: the link to the other nodes, the node's view of
 * ended sessions and changed permissions (applied to the node-wide caches), and the node's
 * {@link Gateway}: broker, subscription table, presence and message operations used by the sockets
 * of every event loop.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final long PURGE_EVERY_MS = 60_000;
  /** Who sees module changes on their notification sockets (SPEC §7). */
  static final String MODULES_VIEW = "modules.view";
  /** The broadcast type of the global banner (SPEC §4). */
  public static final String BANNER = "banner";
  /**
   * How far before the link was found down revocations are read back: events published while the
   * connection was already failing but not yet found lost, and clock differences between the nodes
   * and Postgres (revoking twice is harmless).
   */
  private static final long CATCH_UP_MARGIN_MS = 60_000;
  private final NodeContext node;
  private ClusterLink link;
  private ModuleSockets modules;
  /** How long a stopping node waits for its module sockets' offline writes. */
  private static final long MODULES_SETTLE_MS = 5_000;
  private RedisPresence redisPresence;

  public GatewayVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    var config = node.config();
    String prefix = config.get(Settings.REDIS_PREFIX);
    link = ClusterLink.of(vertx, config);
    node.clusterLink(link);
    Channels channels = new Channels(prefix);
    NodeEvents nodeEvents = new NodeEvents(vertx, link, channels.node(), node.nodeId());
    RedisBroker redisBroker = link.clustered() ? new RedisBroker(vertx, link, channels, node.nodeId()) : null;
    NodeInbox inbox = new NodeInbox(vertx, link, channels, node.nodeId());
    link.onMessage((channel, payload) -> {
      if (channel.equals(nodeEvents.channel())) {
        nodeEvents.received(payload);
      } else if (channel.equals(inbox.channel())) {
        inbox.received(payload);
      } else if (redisBroker != null && redisBroker.owns(channel)) {
        redisBroker.received(channel, payload);
      }
    });

    ClusterBroker broker = redisBroker != null ? redisBroker : new LocalBroker(vertx);
    PresenceRegistry presence;
    if (link instanceof RedisCommands redis) {
      int beat = config.get(Settings.PRESENCE_HEARTBEAT_SECONDS);
      redisPresence = new RedisPresence(redis, prefix, node.nodeId(), beat);
      presence = redisPresence;
    } else {
      presence = new LocalPresence();
    }
    modules = new ModuleSockets(vertx, node.nodeId(), config.get(Settings.MODULE_HEARTBEAT_TIMEOUT_SECONDS),
        config.get(Settings.MODULE_COMMAND_TIMEOUT_MILLIS));
    modules.start(inbox, config.get(Settings.MODULE_HEARTBEAT_FLUSH_MILLIS));
    Gateway gateway = new Gateway(vertx, node.config(), broker, presence, node.meters(), modules);
    meters(link, modules);
    node.attachGateway(gateway);
    // frames for everyone, from any verticle of the node, go to every node; the banner's is remembered for later sockets
    Bus.subscribe(vertx, Addresses.BROADCAST, broker::broadcast);
    Bus.subscribe(vertx, Addresses.LOCAL_BROADCAST, b -> {
      if (BANNER.equals(b.type())) {
        // a cleared banner's frame has no text: later sockets get nothing
        gateway.banner(new io.vertx.core.json.JsonObject(b.frame()).getValue("text") == null ? null : b.frame());
      }
    });
    // a module's change, wherever it was written, reaches the notification sockets of every node
    Bus.subscribe(vertx, Addresses.MODULE_CHANGED, c -> broker.broadcast(
        new Broadcast("module", Frames.module(c.hash(), c.name(), c.online()), MODULES_VIEW, false)));
    // one consumer on this verticle's event loop: committed messages go out in commit order
    Bus.subscribe(vertx, Addresses.MESSAGES_STORED, gateway.messaging()::stored);
    NotificationPush push = new NotificationPush(context, broker);
    Bus.subscribe(vertx, Addresses.NOTIFICATIONS_STORED, push::stored);
    if (redisPresence != null) {
      RedisPresence cluster = redisPresence;
      cluster.onWentOffline((conversationId, userId) -> gateway.messaging().presence(userId, conversationId, false));
      cluster.heartbeat(gateway.heldConversations());
      vertx.setPeriodic(config.get(Settings.PRESENCE_HEARTBEAT_SECONDS) * 1000L, id -> cluster.heartbeat(gateway.heldConversations()));
    }
    link.onReconnect(downSince -> {
      long now = System.currentTimeMillis();
      // permission changes published meanwhile are lost: nothing cached before now is trusted
      node.permissions().invalidate(null);
      Bus.publish(vertx, Addresses.LINK_RESTORED, new LinkRestored(downSince, now));
      // a banner changed while the link was down did not reach this node
      loadBanner(gateway);
      if (redisPresence != null) {
        redisPresence.reregister();
      }
      catchUpAccess(nodeEvents, gateway, (downSince > 0 ? downSince : now) - CATCH_UP_MARGIN_MS);
    });
    // Changes made on this node were applied before they were announced; these are the other nodes'.
    Bus.subscribe(vertx, Addresses.SESSIONS_REVOKED, e -> {
      node.revocations().revoke(e);
      node.permissions().invalidate(e.userId());
    });
    Bus.subscribe(vertx, Addresses.PERMISSIONS_CHANGED, e -> node.permissions().invalidate(e.userId()));
    vertx.setPeriodic(PURGE_EVERY_MS, id -> node.revocations().purgeExpired(System.currentTimeMillis()));
    nodeEvents.start();
    inbox.start();
    if (redisBroker != null) {
      redisBroker.start();
    }
    // A node that cannot reach Redis at start still serves its own sockets and keeps trying.
    link.start().onFailure(e -> { });
    return Bus.request(vertx, Addresses.SESSIONS_RECENTLY_REVOKED, (Void) null)
        .onSuccess(list -> list.forEach(node.revocations()::revoke))
        .compose(v -> loadBanner(gateway));
  }

  private void meters(ClusterLink link, ModuleSockets modules) {
    node.meters().gauge("switchboard.modules.online", "modules whose socket this node holds", modules::held);
    if (link.clustered()) {
      node.meters().gauge("switchboard.redis.link.up", "1 while the link to Redis is up, 0 while it is down", () -> link.up() ? 1 : 0);
      node.meters().gauge("switchboard.redis.publish.queue", "publishes waiting for the Redis link (kept while it is down)",
          link::publishQueue);
    }
  }

  private Future<Void> loadBanner(Gateway gateway) {
    return Bus.request(vertx, Addresses.BANNER_GET, (Void) null)
        .onSuccess(b -> gateway.banner(b.map(Frames::banner).orElse(null)))
        .onFailure(e -> log.atWarn().setCause(e).log("cannot read the banner"))
        .mapEmpty();
  }

  /**
   * Ended sessions and removed participants announced while the link was down are lost: reads them
   * back from Postgres and applies them through the same local events as live ones (sessions revoked
   * since {@code sinceMillis}; every held conversation's participants as they are now).
   */
  private void catchUpAccess(NodeEvents nodeEvents, Gateway gateway, long sinceMillis) {
    Future<Void> revoked = Bus.request(vertx, Addresses.SESSIONS_REVOKED_SINCE, sinceMillis)
        .onSuccess(list -> list.forEach(nodeEvents::caughtUp))
        .mapEmpty();
    List<String> held = List.copyOf(gateway.heldConversations());
    Future<Void> participants = held.isEmpty() ? Future.succeededFuture()
        : Bus.request(vertx, Addresses.CONVERSATION_PARTICIPANTS_OF, held)
            .onSuccess(map -> Bus.publish(vertx, Addresses.PARTICIPANTS_RELOADED, new ParticipantsReloaded(map)))
            .mapEmpty();
    Future.all(revoked, participants)
        .onFailure(e -> log.atWarn().setCause(e).log("cannot read back ended sessions or removed participants after the outage"));
  }

  @Override
  public Future<?> stop() {
    // the module sockets closed with the HTTP verticles: their offline changes are written and announced first
    Future<Void> settled = modules == null ? Future.succeededFuture()
        : modules.settle(MODULES_SETTLE_MS).compose(v -> Future.<Void>future(p -> context.runOnContext(x -> p.complete())));
    return settled.transform(x -> leave());
  }

  private Future<?> leave() {
    Future<Void> presence = redisPresence == null ? Future.succeededFuture() : redisPresence.stop();
    return presence.transform(x -> link == null ? Future.succeededFuture() : link.stop());
  }
}
