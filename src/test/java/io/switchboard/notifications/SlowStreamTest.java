package io.switchboard.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.EventStream;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An event stream whose reader stops reading is ended once its bounded queue is full, and resumes from its last id. */
class SlowStreamTest {

  static final int MAX_SENDS = 400;

  static TestNode node;
  static Http http;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_WS_OUTBOX_BYTES", "16384"));
    http = node.http();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  @Test
  void aReaderTooSlowForTheQueueHasItsStreamEndedAndResumesFromItsLastId() throws Exception {
    String admin = Accounts.adminToken(http);
    Accounts.Account sloth = Accounts.signUp(http, "sse-sloth");
    String big = "x".repeat(15_000);
    try (Socket raw = new Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new InetSocketAddress("127.0.0.1", node.port()), 5_000);
      raw.getOutputStream().write(("GET /api/notifications/stream?token=" + sloth.token() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      raw.getOutputStream().flush();
      // the head and the first comment say the stream is live: every later notification is for it
      raw.setSoTimeout(20_000);
      String head = readUntil(raw.getInputStream(), "\n: live ");
      assertThat(head).startsWith("HTTP/1.1 200");
      // then never read while the notifications pile up
      for (int i = 1; i <= MAX_SENDS; i++) {
        Http.Response r = http.post("/api/admin/notifications", NotificationSockets.toUsers(sloth.id()).put("title", "n" + i)
            .put("body", "").put("data", new JsonObject().put("pad", big)), admin);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
      }
      // what was queued before the end is still readable, then the server's close
      raw.setSoTimeout(1_000);
      String read = drainUntilClosed(raw.getInputStream(), 30_000);
      List<Long> ids = new ArrayList<>();
      Matcher m = Pattern.compile("(?m)^id: (\\d+)$").matcher(read);
      while (m.find()) {
        ids.add(Long.parseLong(m.group(1)));
      }
      assertThat(ids).as("the stream was ended before it got everything").hasSizeLessThan(MAX_SENDS);
      assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, ids.size()).boxed().toList());

      // the reader comes back with the last id it has: the rest, once each, in order
      long last = ids.isEmpty() ? 0 : ids.get(ids.size() - 1);
      HttpClient client = EventStream.client(vertx);
      try (EventStream resumed = EventStream.open(client, node.port(), "/api/notifications/stream?token=" + sloth.token(),
          Map.of("Last-Event-ID", Long.toString(last)))) {
        List<Long> rest = new ArrayList<>();
        while (rest.size() < MAX_SENDS - last) {
          EventStream.Event e = resumed.next();
          rest.add(Long.parseLong(e.id()));
        }
        assertThat(rest).containsExactlyElementsOf(LongStream.rangeClosed(last + 1, MAX_SENDS).boxed().toList());
      }
    }
    assertThat(http.get("/health/ready").status()).isEqualTo(200);
  }

  /** Reads byte by byte until {@code marker} has been read (the socket's timeout bounds the wait). */
  private static String readUntil(InputStream in, String marker) throws IOException {
    StringBuilder read = new StringBuilder();
    while (read.indexOf(marker) < 0) {
      int b = in.read();
      if (b < 0) {
        throw new AssertionError("the stream ended before " + marker.strip() + ": " + read);
      }
      read.append((char) b);
    }
    return read.toString();
  }

  /** Reads everything until the peer closes the connection; fails if it stays open past the timeout. */
  private static String drainUntilClosed(InputStream in, int timeoutMillis) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[65_536];
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      int n;
      try {
        n = in.read(chunk);
      } catch (SocketTimeoutException e) {
        n = 0;
      } catch (IOException reset) {
        break; // a reset is a close too
      }
      if (n < 0) {
        break;
      }
      out.write(chunk, 0, n);
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("the stream was not ended within " + timeoutMillis + " ms");
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
