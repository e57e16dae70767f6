package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http;
import io.switchboard.testing.RawWebSocket;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow and silent connections over raw sockets: a request head that trickles in is cut off by the
 * header timeout although the connection is never idle, a silent connection by the idle timeout;
 * normal requests, slow bodies and WebSockets are not affected.
 */
class ConnectionTimeoutsTest {

  static final int HEADER_SECONDS = 1;
  static final int IDLE_SECONDS = 5;
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(
        "SWITCHBOARD_HTTP_HEADER_TIMEOUT_SECONDS", String.valueOf(HEADER_SECONDS),
        "SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS", String.valueOf(IDLE_SECONDS),
        "SWITCHBOARD_WS_PING_SECONDS", "1"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  /**
   * Sends {@code start}, then one more byte every 300 ms until the server closes the connection;
   * answers the milliseconds that took (fails after {@code limitMillis}).
   */
  static long trickleUntilClosed(Socket s, String start, long limitMillis) throws IOException {
    s.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    long t0 = System.nanoTime();
    s.setSoTimeout(300);
    InputStream in = s.getInputStream();
    for (int i = 0; elapsed(t0) < limitMillis; i++) {
      try {
        if (in.read() < 0) {
          return elapsed(t0);
        }
        throw new AssertionError("the server answered a request whose head never ended");
      } catch (SocketTimeoutException e) {
        // the 300 ms pause between two bytes
      } catch (SocketException e) {
        return elapsed(t0); // reset by the server
      }
      try {
        s.getOutputStream().write('a' + i % 26);
        s.getOutputStream().flush();
      } catch (IOException e) {
        return elapsed(t0);
      }
    }
    throw new AssertionError("the connection was still open after " + limitMillis + " ms");
  }

  /** Waits (bounded) for the server to close a connection that sends nothing more; answers how long that took. */
  static long silentUntilClosed(Socket s, long limitMillis) throws IOException {
    long t0 = System.nanoTime();
    s.setSoTimeout((int) limitMillis);
    try {
      int b = s.getInputStream().read();
      assertThat(b).as("the server sent something instead of closing").isEqualTo(-1);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was still open after " + limitMillis + " ms");
    } catch (SocketException e) {
      // reset by the server
    }
    return elapsed(t0);
  }

  static long elapsed(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** Reads one response (status line, headers and a Content-Length body); answers the status line. */
  static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed in the middle of a response: " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        in.readNBytes(Integer.parseInt(line.substring(15).trim()));
      }
    }
    return text.lines().findFirst().orElse("");
  }

  @Test
  void aTricklingRequestHeadIsClosedWithinTheHeaderTimeout() throws Exception {
    try (Socket s = connect(node.port())) {
      long took = trickleUntilClosed(s, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 10_000);
      assertThat(took).isBetween(HEADER_SECONDS * 1000L - 300, IDLE_SECONDS * 1000L - 1000);
    }
  }

  @Test
  void aKeepAliveConnectionWaitsForItsNextHeadNoLongerThanTheHeaderTimeout() throws Exception {
    try (Socket s = connect(node.port())) {
      s.setSoTimeout(10_000);
      String get = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      for (int i = 0; i < 2; i++) {
        s.getOutputStream().write(get.getBytes(StandardCharsets.US_ASCII));
        assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
      }
      long took = trickleUntilClosed(s, "GET /health/live HTTP/1.1\r\nX-Slow: ", 10_000);
      assertThat(took).isBetween(HEADER_SECONDS * 1000L - 300, IDLE_SECONDS * 1000L - 1000);
    }
  }

  @Test
  void normalRequestsAndSlowBodiesAreServed() throws Exception {
    assertThat(node.http().get("/health/live").status()).isEqualTo(200);
    // the head arrives at once; the body takes three header timeouts, which only the idle timeout governs
    byte[] body = new JsonObject().put("username", "nobody").put("password", "slow-password").encode().getBytes(StandardCharsets.US_ASCII);
    try (Socket s = connect(node.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      long t0 = System.nanoTime();
      int sent = 0;
      while (sent < body.length) {
        int chunk = elapsed(t0) < 3_000L * HEADER_SECONDS ? 1 : body.length - sent;
        s.getOutputStream().write(body, sent, chunk);
        s.getOutputStream().flush();
        sent += chunk;
        if (sent == body.length) {
          break;
        }
        // pace the body with the socket's read timeout: nothing can arrive before the body is complete
        s.setSoTimeout(300);
        try {
          int b = s.getInputStream().read();
          throw new AssertionError("the server answered or closed before the body was complete, after " + elapsed(t0) + " ms: "
              + (b < 0 ? "closed" : (char) b + new String(s.getInputStream().readNBytes(s.getInputStream().available()), StandardCharsets.US_ASCII)));
        } catch (SocketTimeoutException e) {
          // still waiting for the rest of the body, as it should
        }
      }
      s.setSoTimeout(10_000);
      assertThat(elapsed(t0)).isGreaterThan(3_000L * HEADER_SECONDS);
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 401");
    }
  }

  @Test
  void aStalledBodyIsClosedByTheIdleTimeout() throws Exception {
    try (Socket s = connect(node.port())) {
      s.getOutputStream().write(("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
      long took = silentUntilClosed(s, 20_000);
      assertThat(took).isBetween(IDLE_SECONDS * 1000L - 1000, IDLE_SECONDS * 1000L + 5000);
    }
  }

  @Test
  void aWebSocketOutlivesTheHeaderAndIdleTimeouts() throws Exception {
    Http http = node.http();
    Account ann = Accounts.signUp(http, "lasting");
    String id = http.post("/api/conversations", new JsonObject().put("kind", "group"), ann.token()).json().getString("id");
    try (RawWebSocket ws = RawWebSocket.open(node.port(), "/ws/chat/" + id + "?token=" + ann.token(), 65536)) {
      long t0 = System.nanoTime();
      int pings = 0;
      // the server pings a quiet socket every second or so; answering keeps it open past both timeouts
      while (elapsed(t0) < 1000L * IDLE_SECONDS + 1000) {
        RawWebSocket.Frame f = ws.read();
        assertThat(f).as("the socket was closed after " + elapsed(t0) + " ms").isNotNull();
        assertThat(f.opcode()).as("close code " + f.closeCode()).isNotEqualTo(RawWebSocket.OP_CLOSE);
        if (f.opcode() == RawWebSocket.OP_PING) {
          pings++;
          ws.send(RawWebSocket.OP_PONG, f.payload());
        }
      }
      assertThat(pings).isGreaterThanOrEqualTo(3);
      ws.send(RawWebSocket.OP_TEXT, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
      RawWebSocket.Frame f;
      do {
        f = ws.read();
        assertThat(f).isNotNull();
      } while (f.opcode() != RawWebSocket.OP_TEXT || !new String(f.payload(), StandardCharsets.UTF_8).contains("pong"));
    }
  }

  @Test
  void aSilentConnectionIsClosedByTheIdleTimeout() throws Exception {
    // a node whose header timeout is far longer than its idle timeout, so that only the idle timeout can act
    try (TestNode idle = TestNode.start(Map.of("SWITCHBOARD_HTTP_HEADER_TIMEOUT_SECONDS", "60", "SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS", "1"));
        Socket s = connect(idle.port())) {
      long took = silentUntilClosed(s, 20_000);
      assertThat(took).isLessThan(10_000);
      assertThat(idle.http().get("/health/live").status()).isEqualTo(200);
    }
  }
}
