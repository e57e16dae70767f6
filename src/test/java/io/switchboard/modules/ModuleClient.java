package io.switchboard.modules;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A module (SPEC §7) as the old clients are: a plain WebSocket on {@code /websocket?hash=} that sends
 * text frames ({@code heartbeat}), not JSON. Every received text frame is recorded; with
 * {@link #heartbeatEvery} it keeps itself alive, and then {@code heartbeat confirm} frames are counted
 * ({@link #confirms()}) instead of queued, so that {@link #next()} answers the other frames (commands).
 */
public final class ModuleClient implements AutoCloseable {

  public static final String HEARTBEAT = "heartbeat";
  public static final String CONFIRM = "heartbeat confirm";
  public static final int WAIT_SECONDS = 20;

  private final Vertx vertx;
  private final ClientWebSocket ws;
  private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
  private final List<String> all = new CopyOnWriteArrayList<>();
  private final AtomicInteger confirms = new AtomicInteger();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private volatile boolean countConfirms;
  private volatile long timer = -1;

  /** How the server closed the socket: code (-1 when the connection ended without a close frame) and reason. */
  public record Close(int code, String reason) {
  }

  private ModuleClient(Vertx vertx, ClientWebSocket ws) {
    this.vertx = vertx;
    this.ws = ws;
    ws.textMessageHandler(t -> {
      all.add(t);
      if (countConfirms && CONFIRM.equals(t)) {
        confirms.incrementAndGet();
      } else {
        frames.add(t);
      }
    });
    ws.closeHandler(v -> {
      cancelTimer();
      closed.complete(new Close(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode(), ws.closeReason()));
    });
  }

  public static WebSocketConnectOptions at(int port, String hash) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/websocket?hash=" + hash);
  }

  /** Opens the module's socket; answers once the upgrade succeeded. */
  public static ModuleClient open(Vertx vertx, WebSocketClient client, int port, String hash) {
    try {
      ModuleClient m = new ModuleClient(vertx, client.webSocket());
      m.ws.connect(at(port, hash)).await(WAIT_SECONDS, TimeUnit.SECONDS);
      return m;
    } catch (Exception e) {
      throw new IllegalStateException("module socket for " + hash + " not opened: " + e, e);
    }
  }

  /** The HTTP status with which the upgrade was refused, or -1 if it was accepted (the socket is then closed). */
  public static int refusal(WebSocketClient client, int port, String hash) {
    try {
      client.connect(at(port, hash)).await(WAIT_SECONDS, TimeUnit.SECONDS).close();
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

  /** Sends {@code heartbeat} now and then every {@code millis}; {@code heartbeat confirm} frames are counted from now on. */
  public ModuleClient heartbeatEvery(long millis) {
    countConfirms = true;
    send(HEARTBEAT);
    timer = vertx.setPeriodic(millis, id -> {
      if (!closed.isDone()) {
        ws.writeTextMessage(HEARTBEAT);
      }
    });
    return this;
  }

  /** Stops the automatic heartbeats (the module falls silent). */
  public void stopHeartbeats() {
    cancelTimer();
  }

  private void cancelTimer() {
    long t = timer;
    if (t >= 0) {
      vertx.cancelTimer(t);
      timer = -1;
    }
  }

  public void send(String text) {
    ws.writeTextMessage(text);
  }

  public void sendBinary(byte[] bytes) {
    ws.writeBinaryMessage(Buffer.buffer(bytes));
  }

  /** The next recorded text frame (heartbeat confirms excluded once counting), bounded wait. */
  public String next() {
    return next(WAIT_SECONDS * 1000L);
  }

  public String next(long millis) {
    try {
      String f = frames.poll(millis, TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("no frame within " + millis + " ms (received so far: " + all + ", closed: " + closed.getNow(null) + ")");
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every text frame received so far, confirms included, in order. */
  public List<String> received() {
    return List.copyOf(all);
  }

  public int confirms() {
    return confirms.get();
  }

  /** How the server closed the socket (bounded wait). */
  public Close awaitClose() {
    return awaitClose(WAIT_SECONDS * 1000L);
  }

  public Close awaitClose(long millis) {
    try {
      return closed.get(millis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("module socket not closed within " + millis + " ms", e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    cancelTimer();
    if (!closed.isDone()) {
      try {
        ws.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        // already going
      }
    }
  }
}
