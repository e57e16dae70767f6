package io.switchboard.gateway.session;

import io.switchboard.auth.Authenticator;
import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Conversation;
import io.switchboard.domain.Message;
import io.switchboard.domain.Permission;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvent.Type;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.CloseCodes;
import io.switchboard.gateway.Frames;
import io.switchboard.gateway.Messaging;
import io.switchboard.gateway.TokenBucket;
import io.switchboard.persistence.store.MessageStore;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One conversation socket (SPEC §5). Registered in its event loop's {@link ChatHub} before anything
 * is read, it buffers live events while it replays {@code since} from Postgres, then flushes the
 * buffer, dropping every seq it already sent, and goes live. Writes past the outbound bound close the
 * socket (1013) instead of queueing more.
 */
final class ChatSocket {

  private static final int REPLAY_PAGE = 200;
  private static final int MAX_BUFFERED = 10_000;
  private static final int BAD_FRAME_LIMIT = 20;
  private static final long BAD_FRAME_WINDOW_MS = 10_000;
  private static final int MAX_CLIENT_MSG_ID = 128;

  private final ServerWebSocket ws;
  private final ChatHub hub;
  private final Principal principal;
  private final Authenticator authenticator;
  private final TokenBucket budget;
  private final Conversation conversation;
  private final boolean participant;
  private final Long since;
  private final Messaging messaging;
  private final ArrayDeque<Long> badFrames = new ArrayDeque<>();
  private List<ConversationEvent> buffered = new ArrayList<>();
  private long lastSent;
  private long lastHeard = System.currentTimeMillis();
  private boolean closed;
  /** Set once presence was told about this socket; its close is told only after that completed. */
  private Future<Boolean> presenceOpened;

  ChatSocket(ServerWebSocket ws, ChatHub hub, Authenticator authenticator, Principal principal, Conversation conversation,
      boolean participant, Long since) {
    this.ws = ws;
    this.hub = hub;
    this.authenticator = authenticator;
    this.budget = hub.gateway().frameBudget();
    this.principal = principal;
    this.conversation = conversation;
    this.participant = participant;
    this.since = since;
    this.messaging = hub.gateway().messaging();
  }

  String conversationId() {
    return conversation.id();
  }

  String sessionId() {
    return principal.sessionId();
  }

  void start() {
    ws.setWriteQueueMaxSize(hub.gateway().outboxBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {
      if (withinBudget()) {
        bad("bad_frame", "frames must be JSON text", null);
      }
    });
    ws.pongHandler(b -> lastHeard = System.currentTimeMillis());
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> closed());
    // the node is stopping: what is queued is written first, then the close frame
    ws.shutdownHandler(v -> close(CloseCodes.SERVICE_RESTART, "service restart"));
    hub.join(this).compose(this::welcome).onFailure(e -> close(CloseCodes.INTERNAL_ERROR, "reconnect later"));
  }

  private Future<Void> welcome(long base) {
    if (closed) {
      return Future.succeededFuture();
    }
    String conversationId = conversation.id();
    String userId = principal.userId();
    presenceOpened = hub.gateway().presence().open(conversationId, userId).onSuccess(first -> {
      if (first) {
        messaging.presence(userId, conversationId, true);
      }
    });
    return presenceOpened.compose(first -> hub.gateway().presence().online(conversationId)).compose(online -> {
      if (closed) {
        return Future.succeededFuture();
      }
      write(Frames.welcome(conversationId, base, online));
      return afterWelcome(base);
    });
  }

  private Future<Void> afterWelcome(long base) {
    lastSent = base;
    if (since == null) {
      return goLive();
    }
    if (since > base) {
      write(Frames.error("bad_since", "since " + since + " is beyond lastSeq " + base, null));
      return goLive();
    }
    return replay(since, base).compose(v -> goLive());
  }

  private Future<Void> replay(long after, long upTo) {
    if (after >= upTo || closed) {
      return Future.succeededFuture();
    }
    return Bus.request(hub.vertx(), Addresses.MESSAGE_RANGE, new MessageStore.Range(conversation.id(), after, upTo, REPLAY_PAGE, true))
        .compose(page -> {
          for (Message m : page) {
            write(Frames.message(m));
          }
          return page.size() < REPLAY_PAGE ? Future.succeededFuture() : replay(page.get(page.size() - 1).seq(), upTo);
        });
  }

  private Future<Void> goLive() {
    List<ConversationEvent> pending = buffered;
    buffered = null;
    for (ConversationEvent e : pending) {
      send(e);
    }
    return Future.succeededFuture();
  }

  void deliver(ConversationEvent event) {
    if (closed) {
      return;
    }
    if (buffered != null) {
      buffered.add(event);
      if (buffered.size() > MAX_BUFFERED) {
        close(CloseCodes.TRY_AGAIN_LATER, "too far behind; reconnect with since");
      }
      return;
    }
    send(event);
  }

  private void send(ConversationEvent event) {
    switch (event.type()) {
      case MESSAGE -> {
        if (event.seq() > lastSent) {
          lastSent = event.seq();
          write(event.frame());
        }
      }
      case TYPING -> {
        if (!event.userId().equals(principal.userId())) {
          write(event.frame());
        }
      }
      case REMOVED -> {
        if (event.userId().equals(principal.userId())) {
          close(CloseCodes.FORBIDDEN, "no longer a participant");
        }
      }
      default -> write(event.frame());
    }
  }

  private void write(String frame) {
    if (closed) {
      return;
    }
    try {
      if (ws.writeQueueFull()) {
        close(CloseCodes.TRY_AGAIN_LATER, "slow reader; reconnect with since");
        return;
      }
      ws.writeTextMessage(frame);
    } catch (IllegalStateException peerClosed) {
      // the peer's close arrived and the close handler has not run yet: the socket is gone
      closed();
    }
  }

  private void onText(String text) {
    lastHeard = System.currentTimeMillis();
    if (closed || !withinBudget()) {
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      bad("bad_frame", "not a JSON object", null);
      return;
    }
    Object ref = frame.getValue("ref");
    String type = frame.getValue("type") instanceof String t ? t : null;
    if (type == null) {
      bad("bad_frame", "missing type", ref);
      return;
    }
    switch (type) {
      case "send" -> onSend(frame, ref);
      case "typing" -> {
        if (participant) {
          messaging.typing(principal.userId(), conversation.id());
        }
      }
      case "read" -> withSeq(frame, ref, seq -> answer(messaging.markRead(principal.userId(), conversation.id(), seq), ref));
      case "recall" -> withSeq(frame, ref, seq -> answer(messaging.recall(principal.userId(), conversation.id(), seq), ref));
      case "delete" -> withSeq(frame, ref, seq -> answer(delete(seq), ref));
      case "ping" -> write(Frames.PONG);
      default -> bad("bad_frame", "unknown type " + type, ref);
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
    bad("rate_limited", "too many frames; slow down", null);
    return false;
  }

  private void onSend(JsonObject frame, Object ref) {
    Object text = frame.getValue("text");
    Object clientMsgId = frame.getValue("clientMsgId");
    if (!(text instanceof String s) || s.isBlank()) {
      bad("bad_frame", "send needs a non-empty text", ref);
      return;
    }
    if (clientMsgId != null && (!(clientMsgId instanceof String id) || id.isEmpty() || id.length() > MAX_CLIENT_MSG_ID)) {
      bad("bad_frame", "clientMsgId must be a string of 1-" + MAX_CLIENT_MSG_ID + " characters", ref);
      return;
    }
    String msgId = (String) clientMsgId;
    Object errorRef = ref != null ? ref : msgId;
    if (s.length() > Messaging.MAX_TEXT) {
      write(Frames.error("too_long", "text is longer than " + Messaging.MAX_TEXT + " characters", errorRef));
      return;
    }
    messaging.send(principal.userId(), conversation.id(), s, msgId).onComplete(ar -> {
      if (ar.succeeded()) {
        write(Frames.ack(msgId, ar.result().message().seq()));
      } else {
        refuse(ar.cause(), errorRef);
      }
    });
  }

  private void withSeq(JsonObject frame, Object ref, java.util.function.LongConsumer action) {
    Object seq = frame.getValue("seq");
    if (!(seq instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
      bad("bad_frame", "seq must be a non-negative integer", ref);
      return;
    }
    action.accept(n.longValue());
  }

  private void answer(Future<?> result, Object ref) {
    result.onFailure(e -> refuse(e, ref));
  }

  private void refuse(Throwable e, Object ref) {
    if (e instanceof ApiException api) {
      write(Frames.error(api.code(), api.getMessage(), ref));
    } else {
      write(Frames.error("internal", "internal error", ref));
    }
  }

  /** Deletes with the caller's permissions as they are now, not as they were at the upgrade. */
  private Future<Message> delete(long seq) {
    String userId = principal.userId();
    return authenticator.grants(userId).compose(grants -> messaging.delete(userId, conversation.id(), seq,
        conversation.manageableBy(userId, grants.allows(Permission.ROOMS_MODERATE))));
  }

  private void bad(String code, String message, Object ref) {
    long now = System.currentTimeMillis();
    badFrames.addLast(now);
    while (!badFrames.isEmpty() && badFrames.peekFirst() < now - BAD_FRAME_WINDOW_MS) {
      badFrames.pollFirst();
    }
    if (badFrames.size() >= BAD_FRAME_LIMIT) {
      close(CloseCodes.POLICY_VIOLATION, "too many bad frames");
      return;
    }
    write(Frames.error(code, message, ref));
  }

  /** The codec reports oversized or malformed frames here; the socket is closed with the codec's status (1009, 1002). */
  private void onException(Throwable e) {
    if (e instanceof CorruptedWebSocketFrameException corrupted) {
      close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
    }
  }

  void checkIdle(long now, long pingMillis) {
    long silent = now - lastHeard;
    if (silent > 2 * pingMillis) {
      close(CloseCodes.GOING_AWAY, "no answer to pings");
    } else if (silent > pingMillis && !closed) {
      ws.writePing(Buffer.buffer("ping"));
    }
  }

  void close(short code, String reason) {
    if (closed) {
      return;
    }
    closed();
    ws.close(code, reason);
  }

  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    buffered = null;
    hub.leave(this);
    if (presenceOpened != null) {
      String conversationId = conversation.id();
      String userId = principal.userId();
      presenceOpened.onComplete(x -> hub.gateway().presence().close(conversationId, userId).onSuccess(last -> {
        if (last) {
          messaging.presence(userId, conversationId, false);
        }
      }));
    }
  }
}
