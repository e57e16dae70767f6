package io.switchboard.gateway.session;

import io.switchboard.auth.Principal;
import io.switchboard.domain.Notification;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.gateway.CloseCodes;
import io.switchboard.gateway.ErrorCodes;
import io.switchboard.gateway.Frames;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/**
 * A notification socket (SPEC §6, {@code /ws/notifications} and the old {@code /ws/{token}/}) on the
 * socket core: it joins its user's topic, replays {@code since} from Postgres through its
 * {@link Replay} and goes live. The only client frame is {@code ping}. On {@code /ws/notifications} the
 * first frame is {@code {"type":"welcome","lastId"}}, sent once the socket receives every later notification.
 */
final class NotificationSocket extends Session implements Subscriber<UserEvent> {

  private final UserHub hub;
  private final Long since;
  private final boolean welcome;
  /** Module frames and banners wait for the welcome; then the current banner follows it. */
  private final Greeting greeting = new Greeting(e -> write(e.frame()));
  private final Replay<UserEvent> replay = new Replay<>(UserEvent::seq, e -> write(e.frame()));

  /** {@code welcome}: greet with the newest id first (not on the old path, whose clients know no such frame). */
  NotificationSocket(String kind, ServerWebSocket ws, UserHub hub, Principal principal, Long since, boolean welcome) {
    super(kind, ws, hub.sessions(), principal);
    this.hub = hub;
    this.since = since;
    this.welcome = welcome;
  }

  @Override
  protected void opened() {
    hub.join(principal.userId(), this).compose(this::catchUp).onFailure(e -> close(CloseCodes.INTERNAL_ERROR, "reconnect later"));
  }

  /** Every notification up to {@code base} is stored, every later one is offered live: greet, replay, go live. */
  private Future<Void> catchUp(long base) {
    if (isClosed()) {
      return Future.succeededFuture();
    }
    if (welcome) {
      write(Frames.notificationsWelcome(base));
    }
    greeting.greeted(hub.sessions().gateway().banner());
    String userId = principal.userId();
    return replay.start(since, base, (after, upTo, limit) -> hub.notifications(userId, after, upTo, limit), Notification::id,
        n -> write(Frames.notification(n)),
        () -> write(Frames.error(ErrorCodes.BAD_SINCE, "since " + since + " is beyond the newest notification " + base, null)),
        this::isClosed);
  }

  @Override
  public void deliver(UserEvent event) {
    if (isClosed()) {
      return;
    }
    if (!replay.offer(event)) {
      closeSlow("too far behind; reconnect with since");
    }
  }

  @Override
  public void broadcast(Broadcast event) {
    greeting.offer(event);
  }

  @Override
  protected void onFrame(String type, JsonObject frame, Object ref) {
    bad(ErrorCodes.BAD_FRAME, "unknown type " + type, ref);
  }

  @Override
  protected void onClosed() {
    replay.stop();
    hub.leave(principal.userId(), this);
  }
}
