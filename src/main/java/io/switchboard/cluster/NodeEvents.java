package io.switchboard.cluster;

import io.switchboard.bus.Address;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.event.PermissionsChanged;
import io.switchboard.domain.event.SessionsRevoked;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Carries node-wide events (session revocations, permission changes) to every node. Anything
 * published on those local topics is sent on the cluster channel; what arrives from other nodes is
 * published on the same local topics, so local listeners never care where an event came from. An
 * event injected from the cluster is remembered by identity so that it is not sent back out.
 */
public final class NodeEvents {

  private record Kind<E>(String name, Address<E, Void> topic, Function<E, JsonObject> encode, Function<JsonObject, E> decode) {
  }

  private static final Kind<SessionsRevoked> REVOKED = new Kind<>("sessions-revoked", Addresses.SESSIONS_REVOKED,
      e -> new JsonObject().put("userId", e.userId()).put("sessionIds", new JsonArray(e.sessionIds()))
          .put("until", e.untilEpochMillis()).put("reason", e.reason()),
      j -> new SessionsRevoked(j.getString("userId"), j.getJsonArray("sessionIds").stream().map(String::valueOf).toList(),
          j.getLong("until"), j.getString("reason")));
  private static final Kind<PermissionsChanged> PERMISSIONS = new Kind<>("permissions-changed", Addresses.PERMISSIONS_CHANGED,
      e -> new JsonObject().put("userId", e.userId()),
      j -> new PermissionsChanged(j.getString("userId")));
  private static final List<Kind<?>> KINDS = List.of(REVOKED, PERMISSIONS);

  private final Vertx vertx;
  private final ClusterLink link;
  private final String channel;
  private final String origin;
  private final Set<Object> injected = Collections.newSetFromMap(new IdentityHashMap<>());

  public NodeEvents(Vertx vertx, ClusterLink link, String channel, String origin) {
    this.vertx = vertx;
    this.link = link;
    this.channel = channel;
    this.origin = origin;
  }

  public String channel() {
    return channel;
  }

  public void start() {
    KINDS.forEach(this::forward);
    link.subscribe(channel);
  }

  private <E> void forward(Kind<E> kind) {
    Bus.subscribe(vertx, kind.topic(), event -> {
      if (!injected.remove(event)) {
        link.publish(channel, new JsonObject().put("o", origin).put("t", kind.name()).put("b", kind.encode().apply(event)).toBuffer());
      }
    });
  }

  /** A payload from another node on {@link #channel()}. */
  public void received(Buffer payload) {
    JsonObject envelope = new JsonObject(payload);
    if (origin.equals(envelope.getString("o"))) {
      return;
    }
    String type = envelope.getString("t");
    for (Kind<?> kind : KINDS) {
      if (kind.name().equals(type)) {
        inject(kind, envelope.getJsonObject("b"));
      }
    }
  }

  private <E> void inject(Kind<E> kind, JsonObject body) {
    inject(kind, kind.decode().apply(body));
  }

  private <E> void inject(Kind<E> kind, E event) {
    injected.add(event);
    Bus.publish(vertx, kind.topic(), event);
  }

  /**
   * A revocation read back from Postgres after an outage of the link: published on the node's topic
   * exactly as one that arrived from another node (and, like it, not sent out again).
   */
  public void caughtUp(SessionsRevoked event) {
    inject(REVOKED, event);
  }

}
