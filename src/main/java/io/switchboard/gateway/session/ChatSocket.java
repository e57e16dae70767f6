package io.switchboard.gateway.session;

import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Conversation;
import io.switchboard.domain.Message;
import io.switchboard.domain.Permission;
import io.switchboard.domain.event.Broadcast;
import io.switchboard.domain.event.ConversationEvent;
import io.switchboard.domain.event.ConversationEvent.Type;
import io.switchboard.gateway.CloseCodes;
import io.switchboard.gateway.ErrorCodes;
import io.switchboard.gateway.Frames;
import io.switchboard.gateway.Messaging;
import io.switchboard.persistence.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.function.LongConsumer;

/**
 * One conversation socket (SPEC §5) on the socket core ({@link Session}). Registered in its event
 * loop's {@link ChatHub} before anything is read, it replays {@code since} from Postgres through its
 * {@link Replay} and goes live.
 */
final class ChatSocket extends Session implements Subscriber<ConversationEvent> {

  /** Banners wait for the welcome; then the current banner follows it. */
  private final Greeting greeting = new Greeting(e -> write(e.frame()));

  static final String KIND = "chat";
  private static final int MAX_CLIENT_MSG_ID = 128;

  private final ChatHub hub;
  private final Conversation conversation;
  private final boolean participant;
  private final Long since;
  private final Messaging messaging;
  private final Replay<ConversationEvent> replay = new Replay<>(e -> e.type() == Type.MESSAGE ? e.seq() : 0, this::send);
  /** Set once presence was told about this socket; its close is told only after that completed. */
  private Future<Boolean> presenceOpened;

  ChatSocket(ServerWebSocket ws, ChatHub hub, Principal principal, Conversation conversation, boolean participant, Long since) {
    super(KIND, ws, hub.sessions(), principal);
    this.hub = hub;
    this.conversation = conversation;
    this.participant = participant;
    this.since = since;
    this.messaging = hub.gateway().messaging();
  }

  String conversationId() {
    return conversation.id();
  }

  /** Whether the socket was opened by a participant (not a reader of a public room). */
  boolean participant() {
    return participant;
  }


  @Override
  protected void opened() {
    hub.join(this).compose(this::welcome).onFailure(e -> close(CloseCodes.INTERNAL_ERROR, "reconnect later"));
  }

  private Future<Void> welcome(long base) {
    if (isClosed()) {
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
      if (isClosed()) {
        return Future.succeededFuture();
      }
      write(Frames.welcome(conversationId, base, online, messaging.recallWindowSeconds(), conversation.slowModeSeconds()));
      greeting.greeted(hub.gateway().banner());
      return replay.start(since, base, this::stored, Message::seq,
          m -> delivered(write(hub.gateway().mediaUrls().signFrame(Frames.message(m), principal.userId()))),
          () -> write(Frames.error(ErrorCodes.BAD_SINCE, "since " + since + " is beyond lastSeq " + base, null)), this::isClosed);
    });
  }

  private Future<java.util.List<Message>> stored(long after, long upTo, int limit) {
    return Bus.request(hub.vertx(), Addresses.MESSAGE_RANGE, new MessageStore.Range(conversation.id(), after, upTo, limit, true));
  }

  @Override
  public void deliver(ConversationEvent event) {
    if (isClosed()) {
      return;
    }
    if (!replay.offer(event)) {
      closeSlow("too far behind; reconnect with since");
    }
  }

  private void send(ConversationEvent event) {
    switch (event.type()) {
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
      // a picture's URL is signed for this socket's user
      case MESSAGE -> delivered(write(hub.gateway().mediaUrls().signFrame(event.frame(), principal.userId())));
      default -> write(event.frame());
    }
  }

  private void delivered(boolean written) {
    if (written) {
      hub.delivered().increment();
    }
  }

  @Override
  protected void onFrame(String type, JsonObject frame, Object ref) {
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
      default -> bad(ErrorCodes.BAD_FRAME, "unknown type " + type, ref);
    }
  }

  private void onSend(JsonObject frame, Object ref) {
    Object text = frame.getValue("text");
    Object clientMsgId = frame.getValue("clientMsgId");
    if (!(text instanceof String s) || s.isBlank()) {
      bad(ErrorCodes.BAD_FRAME, "send needs a non-empty text", ref);
      return;
    }
    if (clientMsgId != null && (!(clientMsgId instanceof String id) || id.isEmpty() || id.length() > MAX_CLIENT_MSG_ID)) {
      bad(ErrorCodes.BAD_FRAME, "clientMsgId must be a string of 1-" + MAX_CLIENT_MSG_ID + " characters", ref);
      return;
    }
    String msgId = (String) clientMsgId;
    Object errorRef = ref != null ? ref : msgId;
    if (s.length() > Messaging.MAX_TEXT) {
      write(Frames.error(ErrorCodes.TOO_LONG, "text is longer than " + Messaging.MAX_TEXT + " characters", errorRef));
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

  private void withSeq(JsonObject frame, Object ref, LongConsumer action) {
    Object seq = frame.getValue("seq");
    if (!(seq instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
      bad(ErrorCodes.BAD_FRAME, "seq must be a non-negative integer", ref);
      return;
    }
    action.accept(n.longValue());
  }

  private void answer(Future<?> result, Object ref) {
    result.onFailure(e -> refuse(e, ref));
  }

  /** Deletes with the caller's permissions as they are now, not as they were at the upgrade. */
  private Future<Message> delete(long seq) {
    String userId = principal.userId();
    return grantsNow().compose(grants -> messaging.delete(userId, conversation.id(), seq,
        conversation.manageableBy(userId, grants.allows(Permission.ROOMS_MODERATE))));
  }

  @Override
  public void broadcast(Broadcast event) {
    if (event.chatSockets()) {
      greeting.offer(event);
    }
  }

  @Override
  protected void onClosed() {
    replay.stop();
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
