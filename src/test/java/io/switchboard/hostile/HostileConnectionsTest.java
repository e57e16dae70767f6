package io.switchboard.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.Http;
import io.switchboard.testing.RawWebSocket;
import io.switchboard.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections a hostile client makes on purpose, over raw sockets: upgrades in a loop (429 with
 * {@code Retry-After} per client address, before the upgrade), upgrade heads that never end (closed by
 * the header timeout, many at once, while others are served), and heads, bodies and frames over their
 * limits (431, 414, 413 before the body is sent, 1009 before the frame's payload is sent, and 1009
 * for a message of many small fragments). The node runs with small limits so that each shows quickly.
 */
class HostileConnectionsTest {

  static final int UPGRADE_BURST = 5;
  static final int HEADER_SECONDS = 2;
  static final int MAX_BODY = 4096;
  static final int MAX_HEADER = 4096;
  static final int MAX_LINE = 1024;
  static final int MAX_FRAME = 8192;

  static TestNode node;
  static Http http;
  static Account ann;
  static String conversation;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of(
        "SWITCHBOARD_WS_UPGRADE_BURST", Integer.toString(UPGRADE_BURST),
        "SWITCHBOARD_WS_UPGRADES_PER_SECOND", "0.5",
        // the test's own connections come from 127.0.0.1, a trusted proxy: X-Forwarded-For names the client
        "SWITCHBOARD_TRUSTED_PROXIES", "127.0.0.1",
        "SWITCHBOARD_HTTP_HEADER_TIMEOUT_SECONDS", Integer.toString(HEADER_SECONDS),
        "SWITCHBOARD_HTTP_MAX_BODY_BYTES", Integer.toString(MAX_BODY),
        "SWITCHBOARD_HTTP_MAX_HEADER_BYTES", Integer.toString(MAX_HEADER),
        "SWITCHBOARD_HTTP_MAX_LINE_BYTES", Integer.toString(MAX_LINE),
        "SWITCHBOARD_WS_MAX_FRAME_BYTES", Integer.toString(MAX_FRAME)));
    http = node.http();
    ann = Accounts.signUp(http, "hostile-ann");
    conversation = Conversations.group(http, ann);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
    s.setSoTimeout(10_000);
    return s;
  }

  static String upgradeHead(String uri, String forwardedFor) {
    return "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n") + "\r\n";
  }

  /** A response head and the body of its Content-Length. */
  record Answer(String statusLine, String head, String body) {

    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("connection closed before a whole response head: " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    return new Answer(text.lines().findFirst().orElse(""), text, body);
  }

  /** Sends one upgrade on a connection of its own; answers the response (a 101 is closed at once). */
  static Answer upgrade(String uri, String forwardedFor) throws IOException {
    try (Socket s = connect()) {
      s.getOutputStream().write(upgradeHead(uri, forwardedFor).getBytes(StandardCharsets.US_ASCII));
      return read(s.getInputStream());
    }
  }

  /** Waits (bounded) until the server ends the connection; answers the milliseconds that took. */
  static long untilClosed(Socket s, long limitMillis) throws IOException {
    long t0 = System.nanoTime();
    s.setSoTimeout((int) limitMillis);
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // what the server still sends (the rest of an answer) is skipped
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection was still open after " + limitMillis + " ms");
    } catch (SocketException e) {
      // reset by the server
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void anAddressOpeningSocketsInALoopGets429WithRetryAfterBeforeTheUpgrade() throws Exception {
    String uri = "/ws/chat/" + conversation + "?token=" + ann.token();
    String looper = "198.51.100.7";
    List<Integer> statuses = new ArrayList<>();
    Answer refused = null;
    for (int i = 0; i < UPGRADE_BURST + 3; i++) {
      Answer a = upgrade(uri, looper);
      statuses.add(a.status());
      if (a.status() == 429) {
        refused = a;
      }
    }
    assertThat(statuses.subList(0, UPGRADE_BURST)).as("%s", statuses).containsOnly(101);
    assertThat(statuses.subList(UPGRADE_BURST + 1, statuses.size())).as("%s", statuses).containsOnly(429);
    assertThat(refused).isNotNull();
    assertThat(refused.body()).contains("\"rate_limited\"");
    String retryAfter = refused.head().lines().filter(l -> l.toLowerCase().startsWith("retry-after:")).findFirst().orElseThrow();
    assertThat(Long.parseLong(retryAfter.substring(12).trim())).isBetween(1L, 2L);

    // refused attempts count too: a loop of bad tokens is throttled like a loop of good ones
    String badTokens = "198.51.100.8";
    List<Integer> bad = new ArrayList<>();
    for (int i = 0; i < UPGRADE_BURST + 2; i++) {
      bad.add(upgrade("/ws/notifications?token=not-a-token", badTokens).status());
    }
    assertThat(bad.subList(0, UPGRADE_BURST)).as("%s", bad).containsOnly(401);
    assertThat(bad.get(UPGRADE_BURST + 1)).as("%s", bad).isEqualTo(429);
    // every socket kind shares the budget: the module socket too
    assertThat(upgrade("/websocket?hash=unknown", looper).status()).isEqualTo(429);

    // another address has its own budget, and plain requests of the throttled one are not affected
    assertThat(upgrade(uri, "198.51.100.9").status()).isEqualTo(101);
    assertThat(http.send("GET", "/health/live", null, null, Map.of("X-Forwarded-For", looper)).status()).isEqualTo(200);
    assertThat(http.get("/metrics").body()).containsPattern("switchboard_rate_limited_total\\{what=\"upgrade\"\\} [1-9]");
  }

  @Test
  void upgradeHeadsThatNeverEndAreClosedByTheHeaderTimeoutWhileOthersAreServed() throws Exception {
    String half = upgradeHead("/ws/chat/" + conversation + "?token=" + ann.token(), "198.51.100.20");
    half = half.substring(0, half.indexOf("Sec-WebSocket-Version"));
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket s = connect();
        s.getOutputStream().write(half.getBytes(StandardCharsets.US_ASCII));
        stalled.add(s);
      }
      // while 200 handshakes stall, the node answers others at once
      long t0 = System.nanoTime();
      assertThat(http.get("/health/live").status()).isEqualTo(200);
      assertThat(http.get("/api/me", ann.token()).status()).isEqualTo(200);
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(HEADER_SECONDS * 1000L);
      for (Socket s : stalled) {
        assertThat(untilClosed(s, HEADER_SECONDS * 1000L + 8_000)).isLessThan(HEADER_SECONDS * 1000L + 8_000);
      }
      // a connection that opens and sends nothing at all is closed the same way
      try (Socket silent = connect()) {
        assertThat(untilClosed(silent, HEADER_SECONDS * 1000L + 5_000)).isBetween(HEADER_SECONDS * 1000L - 500, HEADER_SECONDS * 1000L + 5_000);
      }
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
    assertThat(http.get("/health/live").status()).isEqualTo(200);
  }

  @Test
  void oversizedHeadersAndRequestLinesAre431And414AndTheConnectionIsClosed() throws Exception {
    try (Socket s = connect()) {
      s.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(MAX_HEADER) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(read(s.getInputStream()).status()).isEqualTo(431);
      untilClosed(s, 5_000);
    }
    try (Socket s = connect()) {
      StringBuilder many = new StringBuilder("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (int i = 0; i < MAX_HEADER / 16; i++) {
        many.append("X-H").append(i).append(": 0123456789\r\n");
      }
      s.getOutputStream().write(many.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      assertThat(read(s.getInputStream()).status()).isEqualTo(431);
      untilClosed(s, 5_000);
    }
    try (Socket s = connect()) {
      s.getOutputStream().write(("GET /health/live?q=" + "q".repeat(MAX_LINE) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      assertThat(read(s.getInputStream()).status()).isEqualTo(414);
      untilClosed(s, 5_000);
    }
    // just under the limits is served
    assertThat(http.send("GET", "/health/live", null, null, Map.of("X-Big", "a".repeat(MAX_HEADER / 2))).status()).isEqualTo(200);
  }

  @Test
  void aBodyOverTheLimitIs413BeforeItIsSentAndTheConnectionDoesNotStayForIt() throws Exception {
    for (String framing : List.of("Content-Length: 100000000\r\n", "Transfer-Encoding: chunked\r\n")) {
      try (Socket s = connect()) {
        s.getOutputStream().write(("POST /api/conversations/" + conversation + "/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer " + ann.token() + "\r\nContent-Type: application/json\r\n" + framing + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        byte[] part = new byte[MAX_BODY + 1];
        java.util.Arrays.fill(part, (byte) 'a');
        if (framing.startsWith("Transfer")) {
          s.getOutputStream().write((Integer.toHexString(part.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().write(part);
          s.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
          s.getOutputStream().write(part);
        }
        // the answer comes after a little more than the limit, not after the 100 MB announced
        Answer a = read(s.getInputStream());
        assertThat(a.status()).as(framing).isEqualTo(413);
        assertThat(a.body()).contains("\"too_large\"");
        // the rest is not awaited: the connection is closed within the header timeout, however long the client goes on sending
        long t0 = System.nanoTime();
        Thread writer = new Thread(() -> {
          try {
            byte[] more = new byte[8192];
            while (true) {
              s.getOutputStream().write(more);
            }
          } catch (IOException e) {
            // the server closed the connection
          }
        });
        writer.setDaemon(true);
        writer.start();
        untilClosed(s, HEADER_SECONDS * 1000L + 8_000);
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(HEADER_SECONDS * 1000L + 8_000);
      }
    }
    assertThat(http.get("/api/conversations/" + conversation + "/messages", ann.token()).items()).isEmpty();
  }

  @Test
  void aFrameOverTheLimitClosesWith1009BeforeItsPayloadIsSent() throws Exception {
    try (RawWebSocket ws = RawWebSocket.open(node.port(), "/ws/chat/" + conversation + "?token=" + ann.token(), 65536)) {
      // a text frame head announcing 1 MB, and no payload
      ws.sendRaw(new byte[] {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4});
      assertThat(ws.readUntilClosed(10_000)).isEqualTo(1009);
    }
  }

  @Test
  void aMessageOfManySmallFragmentsOverTheLimitClosesWith1009() throws Exception {
    for (int opcode : List.of(0x1, 0x2)) {
      try (RawWebSocket ws = RawWebSocket.open(node.port(), "/ws/chat/" + conversation + "?token=" + ann.token(), 65536)) {
        // fragments of 125 bytes, never final, until past the message limit
        byte[] fragment = new byte[6 + 125];
        fragment[0] = (byte) opcode;
        fragment[1] = (byte) (0x80 | 125);
        ws.sendRaw(fragment);
        fragment[0] = 0x0;
        for (int sent = 125; sent <= MAX_FRAME + 125; sent += 125) {
          ws.sendRaw(fragment);
        }
        assertThat(ws.readUntilClosed(10_000)).as("opcode %d", opcode).isEqualTo(1009);
      }
    }
    assertThat(http.get("/health/live").status()).isEqualTo(200);
  }
}
