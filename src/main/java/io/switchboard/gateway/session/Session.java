package io.switchboard.gateway.session;

import io.switchboard.auth.Grants;
import io.switchboard.auth.Principal;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.CloseCodes;
import io.switchboard.gateway.ErrorCodes;
import io.switchboard.gateway.Frames;
import io.switchboard.gateway.TokenBucket;
import io.switchboard.ops.Meters;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules every socket kind shares: a bounded outbox (past it, 1013), the frame budget (a refused
 * frame is a bad frame), 20 bad frames within 10 s close with 1008, the codec's 1009 for frames over
 * the limit, {@code ping} → {@code pong}, pings of quiet sockets and the close of silent ones, 1012
 * on shutdown and 4401 when the session ends ({@link Sessions}). A kind handles its own frames
 * ({@link #onFrame}) and what opens and closes with it.
 */
abstract class Session implements Sessions.Member {

  private static final Logger log = LoggerFactory.getLogger(Session.class);
  private static final int BAD_FRAME_LIMIT = 20;
  private static final long BAD_FRAME_WINDOW_MS = 10_000;

  protected final ServerWebSocket ws;
  protected final Principal principal;
  protected final Sessions sessions;
  private final String kind;
  private final TokenBucket budget;
  /** Times of the recent bad frames; made on the first (most sockets never send one). */
  private ArrayDeque<Long> badFrames;
  private long lastHeard = System.currentTimeMillis();
  private boolean closed;

  protected Session(String kind, ServerWebSocket ws, Sessions sessions, Principal principal) {
    this.kind = kind;
    this.ws = ws;
    this.sessions = sessions;
    this.principal = principal;
    this.budget = sessions.gateway().frameBudget();
  }

  @Override
  public final String kind() {
    return kind;
  }

  /** The signed-in session the socket belongs to; null for a socket of no user (a module's). */
  @Override
  public final String sessionId() {
    return principal == null ? null : principal.sessionId();
  }

  /** The signed-in user; null for a socket of no user. */
  @Override
  public final String userId() {
    return principal == null ? null : principal.userId();
  }

  protected final boolean isClosed() {
    return closed;
  }

  final void start() {
    ws.setWriteQueueMaxSize(sessions.gateway().outboxBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {
      if (withinBudget()) {
        onBinaryFrame();
      }
    });
    ws.pongHandler(b -> lastHeard = System.currentTimeMillis());
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> closed());
    // the node is stopping: what is queued is written first, then the close frame
    ws.shutdownHandler(v -> close(CloseCodes.SERVICE_RESTART, CloseCodes.SERVICE_RESTART_REASON));
    sessions.add(this);
    log.atDebug().addKeyValue("kind", kind).log("socket opened");
    opened();
  }

  /** The socket is open and registered: subscribe, greet, replay. */
  protected abstract void opened();

  /** A JSON frame with a string {@code type} other than {@code ping}, within the budget. */
  protected abstract void onFrame(String type, JsonObject frame, Object ref);

  /** The socket closed (once): leave hubs, tell presence. */
  protected abstract void onClosed();

  private void onText(String text) {
    lastHeard = System.currentTimeMillis();
    if (closed || !withinBudget()) {
      return;
    }
    onTextFrame(text);
  }

  /** A text frame within the budget: JSON frames with a {@code type}, and {@code ping}. A kind with another protocol overrides this. */
  protected void onTextFrame(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      bad(ErrorCodes.BAD_FRAME, "not a JSON object", null);
      return;
    }
    Object ref = frame.getValue("ref");
    String type = frame.getValue("type") instanceof String t ? t : null;
    if (type == null) {
      bad(ErrorCodes.BAD_FRAME, "missing type", ref);
    } else if (type.equals("ping")) {
      write(Frames.PONG);
    } else {
      onFrame(type, frame, ref);
    }
  }

  /**
   * Every client frame, of any type, takes a token of the socket's budget. Past it the frame is
   * refused with {@code rate_limited}, and refusals count as bad frames: persistent abuse closes 1008.
   */
  private boolean withinBudget() {
    if (budget.take(System.nanoTime()) == 0) {
      return true;
    }
    sessions.gateway().meters().rateLimited(Meters.Refused.FRAME).increment();
    bad(ErrorCodes.RATE_LIMITED, "too many frames; slow down", null);
    return false;
  }

  /** A binary frame within the budget: a bad frame, unless the kind ignores them. */
  protected void onBinaryFrame() {
    bad(ErrorCodes.BAD_FRAME, "frames must be JSON text", null);
  }

  /** An error frame that counts toward the 1008 close. */
  protected final void bad(String code, String message, Object ref) {
    long now = System.currentTimeMillis();
    if (badFrames == null) {
      badFrames = new ArrayDeque<>(BAD_FRAME_LIMIT);
    }
    badFrames.addLast(now);
    while (!badFrames.isEmpty() && badFrames.peekFirst() < now - BAD_FRAME_WINDOW_MS) {
      badFrames.pollFirst();
    }
    if (badFrames.size() >= BAD_FRAME_LIMIT) {
      close(CloseCodes.POLICY_VIOLATION, "too many bad frames");
      return;
    }
    answerBadFrame(Frames.error(code, message, ref));
  }

  /** How a bad frame is answered: with the error frame, unless the kind's clients know no such frame. */
  protected void answerBadFrame(String errorFrame) {
    write(errorFrame);
  }

  /** An operation's refusal as an error frame (it does not count as a bad frame). */
  protected final void refuse(Throwable e, Object ref) {
    if (e instanceof ApiException api) {
      write(Frames.error(api.code(), api.getMessage(), ref, api.retryAfterSeconds()));
    } else {
      write(Frames.error(ErrorCodes.INTERNAL, "internal error", ref));
    }
  }

  /** The user's permissions as they are now, not as they were at the upgrade. */
  protected final Future<Grants> grantsNow() {
    return sessions.authenticator().grants(principal.userId());
  }

  /**
   * Writes a frame unless the outbox is past its bound, which closes the socket with 1013 instead.
   * Answers whether the frame was written.
   */
  protected final boolean write(String frame) {
    if (closed) {
      return false;
    }
    try {
      if (ws.writeQueueFull()) {
        closeSlow("slow reader; reconnect with since");
        return false;
      }
      ws.writeTextMessage(frame);
      return true;
    } catch (IllegalStateException peerClosed) {
      // the peer's close arrived and the close handler has not run yet: the socket is gone
      closed();
      return false;
    }
  }

  /** The reader fell too far behind (a full outbox, or too many live events held during a replay): 1013. */
  protected final void closeSlow(String reason) {
    if (!closed) {
      sessions.gateway().meters().slowConsumerCloses().increment();
      close(CloseCodes.TRY_AGAIN_LATER, reason);
    }
  }

  /** Writes a frame as {@link #write} does; completes once it is written to the connection (fails if it could not be). */
  protected final Future<Void> writeConfirmed(String frame) {
    if (closed) {
      return Future.failedFuture("socket closed");
    }
    if (ws.writeQueueFull()) {
      closeSlow("slow reader");
      return Future.failedFuture("socket closed as a slow reader");
    }
    try {
      return ws.writeTextMessage(frame);
    } catch (IllegalStateException peerClosed) {
      closed();
      return Future.failedFuture("socket closed");
    }
  }

  /** The codec reports oversized or malformed frames here; the socket is closed with the codec's status (1009, 1002). */
  private void onException(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupted) {
      close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
    } else if (e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("overflow max message size")) {
      // a message of several frames, each within the frame limit, over the message limit: Vert.x's aggregator drops
      // what it gathered and only reports it, leaving the socket open for the next one; SPEC §5 closes it
      close(CloseCodes.TOO_BIG, "message too big");
    }
  }

  @Override
  public final void checkIdle(long now, long pingMillis) {
    long silent = now - lastHeard;
    if (silent > 2 * pingMillis) {
      close(CloseCodes.GOING_AWAY, "no answer to pings");
    } else if (silent > pingMillis && !closed) {
      ws.writePing(Buffer.buffer("ping"));
    }
  }

  @Override
  public final void close(short code, String reason) {
    if (closed) {
      return;
    }
    closed();
    // a restart closes every socket at once: one line each would flood the log
    (code == CloseCodes.SERVICE_RESTART ? log.atDebug() : log.atInfo())
        .addKeyValue("kind", kind).addKeyValue("code", code).addKeyValue("reason", reason).log("socket closed by the server");
    ws.close(code, reason);
  }

  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    sessions.remove(this);
    log.atDebug().addKeyValue("kind", kind).log("socket closed");
    onClosed();
  }
}
