package io.switchboard.hostile;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A socket of any kind for the fuzzer: text and binary frames out, every text frame in (JSON or not,
 * kept as text), the close code once closed. Waits are bounded.
 */
final class FuzzSockets implements AutoCloseable {

  static final int WAIT_SECONDS = 15;

  private final ClientWebSocket ws;
  final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();

  private FuzzSockets(ClientWebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(received::add);
    ws.binaryMessageHandler(b -> received.add("<binary " + b.length() + " bytes>"));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : (int) ws.closeStatusCode()));
    ws.exceptionHandler(e -> { });
  }

  static WebSocketClient client(Vertx vertx) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22));
  }

  static FuzzSockets open(WebSocketClient client, int port, String uri) {
    try {
      FuzzSockets s = new FuzzSockets(client.webSocket());
      s.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).await(WAIT_SECONDS, TimeUnit.SECONDS);
      return s;
    } catch (Exception e) {
      throw new AssertionError("could not open " + uri.replaceAll("token=[^&]*", "token=…") + ": " + e, e);
    }
  }

  void text(String frame) {
    if (!closed.isDone()) {
      ws.writeTextMessage(frame);
    }
  }

  void binary(byte[] bytes) {
    if (!closed.isDone()) {
      ws.writeBinaryMessage(Buffer.buffer(bytes));
    }
  }

  /** The next text frame matching {@code what} within the wait, skipping others into {@code seen}; null if the socket closed first. */
  String await(java.util.function.Predicate<String> what, java.util.List<String> seen) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String f = received.poll(100, TimeUnit.MILLISECONDS);
      if (f != null) {
        seen.add(f);
        if (what.test(f)) {
          return f;
        }
      } else if (closed.isDone()) {
        return null;
      }
    }
    throw new AssertionError("no answer within " + WAIT_SECONDS + " s: the socket hangs");
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.close();
    }
  }
}
