package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.SessionsRevoked;
import io.switchboard.gateway.CloseCodes;
import io.switchboard.gateway.Gateway;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * The open sockets and streams of every kind on one event loop (only that event loop touches it):
 * closes those of ended sessions (4401, {@link Addresses#SESSIONS_REVOKED}, which reaches every node),
 * delivers frames for everyone ({@link Addresses#LOCAL_BROADCAST}: module changes, the banner),
 * pings the quiet ones and closes those that stop answering, and counts them by kind.
 */
public final class Sessions {

  /** A socket or stream of a signed-in session. */
  interface Member {

    String kind();

    String sessionId();

    /** Null for a socket of no user (a module's): it gets no broadcasts. */
    String userId();

    /** A frame for everyone ({@link Broadcast}): written as it comes, outside any topic's order; {@code type} names it on SSE. */
    default void broadcast(Broadcast event) {
    }

    void close(short code, String reason);

    void checkIdle(long now, long pingMillis);
  }

  private final Vertx vertx;
  private final Gateway gateway;
  private final Authenticator authenticator;
  private final Set<Member> open = new LinkedHashSet<>();
  private final UpgradeAdmission admission;
  /** Per user, the last broadcast still waiting for its grants lookup (this loop only). */
  private final Map<String, Future<Void>> deliveries = new HashMap<>();

  public Sessions(Vertx vertx, Gateway gateway, Authenticator authenticator, int upgradeChecks, int upgradeQueue) {
    this.vertx = vertx;
    this.admission = new UpgradeAdmission(upgradeChecks, upgradeQueue);
    this.gateway = gateway;
    this.authenticator = authenticator;
    Bus.subscribe(vertx, Addresses.SESSIONS_REVOKED, this::revoked);
    Bus.subscribe(vertx, Addresses.LOCAL_BROADCAST, this::broadcast);
    long pingMillis = gateway.pingSeconds() * 1000L;
    vertx.setPeriodic(Math.max(500, pingMillis / 2), id -> checkIdle(pingMillis));
  }

  Vertx vertx() {
    return vertx;
  }

  Gateway gateway() {
    return gateway;
  }

  Authenticator authenticator() {
    return authenticator;
  }

  void add(Member session) {
    open.add(session);
    gateway.socketsOpen(session.kind()).incrementAndGet();
  }

  void remove(Member session) {
    if (open.remove(session)) {
      gateway.socketsOpen(session.kind()).decrementAndGet();
    }
  }

  private void revoked(SessionsRevoked event) {
    for (Member s : List.copyOf(open)) {
      String session = s.sessionId();
      // sockets of no session (modules') are not revoked
      if (session != null && event.sessionIds().contains(session)) {
        s.close(CloseCodes.SESSION_ENDED, "session ended");
      }
    }
  }

  /**
   * Everyone's topic on this loop: every socket and stream of a user whose grants, as they are now
   * (the node's permission cache), allow the broadcast's permission gets the frame.
   */
  private void broadcast(Broadcast event) {
    Map<String, List<Member>> byUser = new LinkedHashMap<>();
    for (Member member : open) {
      if (member.userId() != null) {
        byUser.computeIfAbsent(member.userId(), u -> new ArrayList<>()).add(member);
      }
    }
    byUser.forEach((userId, members) -> {
      if (event.permission() == null && !deliveries.containsKey(userId)) {
        members.forEach(m -> m.broadcast(event));
        return;
      }
      // one grants lookup per user and event, and a user's broadcasts in the order they came, even when a
      // lookup has to wait for Postgres (a module's online then offline must not arrive the other way round)
      Future<Void> before = deliveries.getOrDefault(userId, Future.succeededFuture());
      Future<Void> done = before.transform(x -> event.permission() == null ? Future.succeededFuture(true)
              : authenticator.grants(userId).map(g -> g.allows(event.permission())))
          .transform(ar -> {
            if (ar.succeeded() && ar.result()) {
              members.stream().filter(open::contains).forEach(m -> m.broadcast(event));
            }
            return Future.<Void>succeededFuture();
          });
      deliveries.put(userId, done);
      done.onComplete(x -> deliveries.remove(userId, done));
    });
  }

  private void checkIdle(long pingMillis) {
    long now = System.currentTimeMillis();
    for (Member s : List.copyOf(open)) {
      s.checkIdle(now, pingMillis);
    }
  }

  /** This event loop's turn-taking of upgrade checks. */
  UpgradeAdmission admission() {
    return admission;
  }
}
