package io.switchboard.gateway.session;

import io.switchboard.auth.Principal;
import io.switchboard.domain.Notification;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.UserEvent;
import io.switchboard.gateway.Frames;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;

/**
 * One Server-Sent Events stream of a user's notifications (SPEC §6): the same user topic and the same
 * replay-then-live code as the notification sockets, each event {@code id: <notification id>} and
 * {@code data: <the socket's frame>}; the first line is the comment {@code : live <newest id>}, sent
 * once every later notification reaches the stream. A comment every {@link #KEEP_ALIVE_MS} keeps proxies and the
 * idle timeout from cutting a quiet stream; a reader too slow for the bounded write queue has its
 * stream ended (it resumes with {@code Last-Event-ID}); so has one whose session ended.
 */
final class NotificationStream implements Subscriber<UserEvent>, Sessions.Member {

  /** Module events and banners wait for the live comment; then the current banner follows it. */
  private final Greeting greeting = new Greeting(e -> send("event: " + e.type() + "\ndata: " + e.frame() + "\n\n"));

  static final String KIND = "sse";
  static final long KEEP_ALIVE_MS = 15_000;

  private final UserHub hub;
  private final Principal principal;
  private final HttpServerResponse response;
  private final Long since;
  private final Replay<UserEvent> replay = new Replay<>(UserEvent::seq, e -> write(e.seq(), e.frame()));
  private long keepAlive;
  private boolean closed;

  NotificationStream(UserHub hub, Principal principal, HttpServerResponse response, Long since) {
    this.hub = hub;
    this.principal = principal;
    this.response = response;
    this.since = since;
  }

  void start() {
    response.setChunked(true)
        .setWriteQueueMaxSize(hub.sessions().gateway().outboxBytes())
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(v -> closed());
    hub.sessions().add(this);
    keepAlive = hub.sessions().vertx().setPeriodic(KEEP_ALIVE_MS, id -> send(": keep-alive\n\n"));
    hub.join(principal.userId(), this).compose(this::catchUp).onFailure(e -> end());
  }

  /** Every notification up to {@code base} is stored, every later one is offered live: say so, replay, go live. */
  private Future<Void> catchUp(long base) {
    if (closed) {
      return Future.succeededFuture();
    }
    send(": live " + base + "\n\n");
    greeting.greeted(hub.sessions().gateway().banner());
    String userId = principal.userId();
    // a Last-Event-ID ahead of the newest id (there is no error event in SSE) resumes from the newest
    return replay.start(since == null ? null : Math.min(since, base), base,
        (after, upTo, limit) -> hub.notifications(userId, after, upTo, limit), Notification::id,
        n -> write(n.id(), Frames.notification(n)), () -> { }, () -> closed);
  }

  @Override
  public void deliver(UserEvent event) {
    if (!closed && !replay.offer(event)) {
      endSlow();
    }
  }

  /** No {@code id:}: it is not a notification, and a browser keeps the last notification id for its resume. */
  @Override
  public void broadcast(Broadcast event) {
    greeting.offer(event);
  }

  private void write(long id, String frame) {
    send("id: " + id + "\nevent: notification\ndata: " + frame + "\n\n");
  }

  private void send(String text) {
    if (closed) {
      return;
    }
    if (response.writeQueueFull()) {
      endSlow();
      return;
    }
    response.write(text);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String sessionId() {
    return principal.sessionId();
  }

  @Override
  public String userId() {
    return principal.userId();
  }

  /** The session ended or the node is stopping: the stream ends (the code has no place in SSE). */
  @Override
  public void close(short code, String reason) {
    end();
  }

  @Override
  public void checkIdle(long now, long pingMillis) {
    // the keep-alive comment keeps the stream busy; a dead reader shows as a full write queue or a closed connection
  }

  /** The reader fell too far behind: the stream ends (it resumes with Last-Event-ID). */
  private void endSlow() {
    if (!closed) {
      hub.sessions().gateway().meters().slowConsumerCloses().increment();
      end();
    }
  }

  void end() {
    if (closed) {
      return;
    }
    closed();
    response.end();
  }

  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    hub.sessions().vertx().cancelTimer(keepAlive);
    hub.sessions().remove(this);
    replay.stop();
    hub.leave(principal.userId(), this);
  }
}
