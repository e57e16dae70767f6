package io.switchboard.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A conversation socket for tests: every received frame is queued; waits are bounded. */
public final class ChatClient implements AutoCloseable {

  public static final int WAIT_SECONDS = 20;

  private final ClientWebSocket ws;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  /** Frames skipped by {@link #next} while looking for another type, kept in arrival order for later calls. */
  private final ArrayDeque<JsonObject> held = new ArrayDeque<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private ChatClient(ClientWebSocket ws) {
    this.ws = ws;
    // handlers are set before connecting, so that no frame arrives unheard
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
  }

  public static WebSocketClient client(Vertx vertx) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
  }

  public static ChatClient connect(WebSocketClient client, int port, String ref, String token, Long since) {
    String uri = "/ws/chat/" + ref + "?token=" + token + (since == null ? "" : "&since=" + since);
    return open(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri));
  }

  public static ChatClient open(WebSocketClient client, WebSocketConnectOptions options) {
    try {
      ChatClient chat = new ChatClient(client.webSocket());
      chat.ws.connect(options).await(WAIT_SECONDS, TimeUnit.SECONDS);
      return chat;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The HTTP status of a refused upgrade (or -1 if it was accepted). */
  public static int refusal(WebSocketClient client, WebSocketConnectOptions options) {
    try {
      WebSocket ws = client.connect(options).await(WAIT_SECONDS, TimeUnit.SECONDS);
      ws.close();
      return -1;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      if (e.getCause() instanceof UpgradeRejectedException u) {
        return u.getStatus();
      }
      throw new IllegalStateException(e);
    }
  }

  public WebSocket socket() {
    return ws;
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  /** The next frame of a type (bounded wait); frames of other types stay available in order. */
  public JsonObject next(String type) {
    return next(f -> type.equals(f.getString("type")), type);
  }

  public JsonObject next(Predicate<JsonObject> match, String what) {
    for (Iterator<JsonObject> it = held.iterator(); it.hasNext(); ) {
      JsonObject f = it.next();
      if (match.test(f)) {
        it.remove();
        return f;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonObject f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no " + what + " frame within " + WAIT_SECONDS + " s");
        }
        if (match.test(f)) {
          return f;
        }
        held.add(f);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every frame received and not yet taken, in arrival order, without waiting. */
  public List<JsonObject> drain() {
    List<JsonObject> out = new ArrayList<>(held);
    held.clear();
    frames.drainTo(out);
    return out;
  }

  /** Collects the seqs of message frames until {@code count} have arrived (bounded wait). */
  public List<Long> messageSeqs(int count) {
    List<Long> seqs = new ArrayList<>();
    while (seqs.size() < count) {
      seqs.add(next("message").getJsonObject("message").getLong("seq"));
    }
    return seqs;
  }

  /** The close code, once the server has closed the socket (bounded wait). */
  public short awaitClose() {
    try {
      return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + WAIT_SECONDS + " s", e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.close();
    }
  }
}
